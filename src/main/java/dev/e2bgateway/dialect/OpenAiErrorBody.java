package dev.e2bgateway.dialect;

import dev.e2bgateway.error.ApiError;

/**
 * OpenAI's error body, {@code {"error": {...}}} with all four keys always present ({@code param} and
 * {@code code} may be null): the one shape of chat completions and the Responses API.
 */
public record OpenAiErrorBody(Detail error) {

    public record Detail(String message, String type, String param, String code) {}

    public static OpenAiErrorBody of(ApiError e) {
        return new OpenAiErrorBody(new Detail(e.getMessage(), type(e), e.param(), e.code()));
    }

    /** OpenAI's error types: client mistakes, rate limits, and server-side failures. */
    public static String type(ApiError e) {
        return switch (e.kind()) {
            case RATE_LIMITED -> "rate_limit_exceeded";
            case INTERNAL, UPSTREAM, OVERLOADED, UNAVAILABLE, TIMEOUT -> "server_error";
            case PERMISSION -> "permission_error";
            default -> "invalid_request_error";
        };
    }
}
