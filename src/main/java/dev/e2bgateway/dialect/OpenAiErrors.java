package dev.e2bgateway.dialect;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.error.ApiError;

/** Errors as the OpenAI APIs (chat completions, Responses) write them: the error's own status, {@code {"error": {...}}}. */
public final class OpenAiErrors implements ErrorFormat {

    private final ObjectMapper json;

    public OpenAiErrors(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public byte[] body(ApiError error) {
        return JsonBytes.of(json, OpenAiErrorBody.of(error));
    }
}
