package dev.e2bgateway.ollama;

import dev.e2bgateway.dialect.JsonBytes;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.dialect.ErrorFormat;
import dev.e2bgateway.error.ApiError;

/**
 * Errors as Ollama writes them: the error's own status and {@code {"error": "<message>"}}, the one
 * key its clients read (ollama-js throws a {@code ResponseError} with that text and the status).
 */
public final class OllamaErrors implements ErrorFormat {

    private final ObjectMapper json;

    public OllamaErrors(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public byte[] body(ApiError error) {
        return JsonBytes.of(json, json.createObjectNode().put("error", error.getMessage()));
    }

    /** A model the gateway does not serve, in Ollama's words, pointing at the list instead of a pull. */
    static ApiError modelNotFound(String model) {
        return new ApiError(ApiError.Kind.NOT_FOUND, "model", "model_not_found",
                "model '" + model + "' not found: GET /api/tags lists the models this gateway serves", false, null);
    }
}
