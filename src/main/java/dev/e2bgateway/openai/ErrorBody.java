package dev.e2bgateway.openai;

import dev.e2bgateway.error.ApiError;

/** OpenAI's error body: all four keys always present ({@code param} and {@code code} may be null). */
public record ErrorBody(Detail error) {

    public record Detail(String message, String type, String param, String code) {}

    public static ErrorBody of(ApiError e) {
        return new ErrorBody(new Detail(e.getMessage(), e.type(), e.param(), e.code()));
    }
}
