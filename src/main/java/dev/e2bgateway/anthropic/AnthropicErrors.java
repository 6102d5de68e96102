package dev.e2bgateway.anthropic;

import dev.e2bgateway.dialect.JsonBytes;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.e2bgateway.dialect.ErrorFormat;
import dev.e2bgateway.error.ApiError;

/** Errors as the Anthropic API writes them: {@code {"type":"error","error":{"type","message"}}}, 529 when overloaded. */
public final class AnthropicErrors implements ErrorFormat {

    private final ObjectMapper json;

    public AnthropicErrors(ObjectMapper json) {
        this.json = json;
    }

    /** Anthropic answers an overloaded upstream with 529; everything else keeps its status. */
    @Override
    public int status(ApiError error) {
        return error.kind() == ApiError.Kind.OVERLOADED ? 529 : error.status();
    }

    @Override
    public byte[] body(ApiError error) {
        return JsonBytes.of(json, body(json, error));
    }

    static ObjectNode body(ObjectMapper json, ApiError error) {
        ObjectNode body = json.createObjectNode().put("type", "error");
        ObjectNode inner = body.putObject("error").put("type", type(error)).put("message", error.getMessage());
        // The SDKs tell some failures apart by error.details.error_code and recover from them.
        if (MessagesParser.THREAD_UNSUPPORTED.equals(error.code())) inner.putObject("details").put("error_code", error.code());
        return body;
    }

    static String type(ApiError error) {
        return switch (error.kind()) {
            case INVALID_REQUEST, METHOD_NOT_ALLOWED -> "invalid_request_error";
            case AUTHENTICATION -> "authentication_error";
            case PERMISSION -> "permission_error";
            case NOT_FOUND -> "not_found_error";
            case TOO_LARGE -> "request_too_large";
            case RATE_LIMITED -> "rate_limit_error";
            case OVERLOADED -> "overloaded_error";
            case INTERNAL, UPSTREAM, UNAVAILABLE, TIMEOUT -> "api_error";
        };
    }
}
