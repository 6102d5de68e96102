package dev.e2bgateway.openai;

import dev.e2bgateway.error.ApiError;

/** OpenAI's error body: all four keys always present ({@code param} and {@code code} may be null). */
public record ErrorBody(Detail error) {

    public record Detail(String message, String type, String param, String code) {}

    public static ErrorBody of(ApiError e) {
        return new ErrorBody(new Detail(e.getMessage(), type(e), e.param(), e.code()));
    }

    /** OpenAI's error types: client mistakes, rate limits, and server-side failures. */
    static String type(ApiError e) {
        return switch (e.kind()) {
            case RATE_LIMITED -> "rate_limit_exceeded";
            case INTERNAL, UPSTREAM, OVERLOADED, UNAVAILABLE, TIMEOUT -> "server_error";
            case PERMISSION -> "permission_error";
            default -> "invalid_request_error";
        };
    }
}
