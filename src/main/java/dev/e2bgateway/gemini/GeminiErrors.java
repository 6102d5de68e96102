package dev.e2bgateway.gemini;

import dev.e2bgateway.dialect.JsonBytes;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.e2bgateway.dialect.ErrorFormat;
import dev.e2bgateway.error.ApiError;

/**
 * Errors as Google's APIs write them: {@code {"error": {"code", "message", "status"}}} with the
 * canonical status names ({@code INVALID_ARGUMENT}, {@code RESOURCE_EXHAUSTED}, ...). Gemini CLI and
 * the SDKs retry 429 and 5xx, and show the message.
 */
public final class GeminiErrors implements ErrorFormat {

    private final ObjectMapper json;

    public GeminiErrors(ObjectMapper json) {
        this.json = json;
    }

    /**
     * Google's canonical codes: no 413 or 405 (a body too large or a wrong method is a 400
     * INVALID_ARGUMENT there), and a failed upstream is a 500 INTERNAL, not a 502.
     */
    @Override
    public int status(ApiError error) {
        return switch (error.kind()) {
            case TOO_LARGE, METHOD_NOT_ALLOWED -> 400;
            case UPSTREAM -> 500;
            default -> error.status();
        };
    }

    @Override
    public byte[] body(ApiError error) {
        return JsonBytes.of(json, body(json, error, status(error)));
    }

    static ObjectNode body(ObjectMapper json, ApiError error, int code) {
        ObjectNode body = json.createObjectNode();
        body.putObject("error").put("code", code).put("message", error.getMessage()).put("status", status(error.kind()));
        return body;
    }

    static String status(ApiError.Kind kind) {
        return switch (kind) {
            case INVALID_REQUEST, METHOD_NOT_ALLOWED, TOO_LARGE -> "INVALID_ARGUMENT";
            case AUTHENTICATION -> "UNAUTHENTICATED";
            case PERMISSION -> "PERMISSION_DENIED";
            case NOT_FOUND -> "NOT_FOUND";
            case RATE_LIMITED -> "RESOURCE_EXHAUSTED";
            case OVERLOADED, UNAVAILABLE -> "UNAVAILABLE";
            case TIMEOUT -> "DEADLINE_EXCEEDED";
            case INTERNAL, UPSTREAM -> "INTERNAL";
        };
    }
}
