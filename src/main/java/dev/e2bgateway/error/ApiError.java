package dev.e2bgateway.error;

/**
 * Every failure a client can see, ours or the upstream's: one status, one OpenAI error body.
 * Handlers and the core throw it; {@code http.ErrorResponses} renders it in one place.
 */
public final class ApiError extends RuntimeException {

    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final boolean retryable;
    private final Long retryAfterSeconds;

    private ApiError(int status, String type, String param, String code, String message,
                     boolean retryable, Long retryAfterSeconds) {
        super(message, null, false, false); // no stack: these are answers, not bugs
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryable = retryable;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiError invalidRequest(String param, String message) {
        return new ApiError(400, "invalid_request_error", param, null, message, false, null);
    }

    public static ApiError invalidRequest(String param, String code, String message) {
        return new ApiError(400, "invalid_request_error", param, code, message, false, null);
    }

    public static ApiError invalidApiKey() {
        return new ApiError(401, "invalid_request_error", null, "invalid_api_key",
                "Incorrect API key provided. Send it as 'Authorization: Bearer <key>'.", false, null);
    }

    public static ApiError modelNotFound(String model) {
        return new ApiError(404, "invalid_request_error", "model", "model_not_found",
                "The model '" + model + "' does not exist. GET /v1/models lists the models this gateway serves.",
                false, null);
    }

    public static ApiError notFound(String method, String path) {
        return new ApiError(404, "invalid_request_error", null, "not_found",
                "Unknown request URL: " + method + " " + path + ".", false, null);
    }

    public static ApiError methodNotAllowed(String method, String path) {
        return new ApiError(405, "invalid_request_error", null, "method_not_allowed",
                "Method " + method + " is not allowed on " + path + ".", false, null);
    }

    public static ApiError bodyTooLarge(long limitBytes) {
        return new ApiError(413, "invalid_request_error", null, "request_too_large",
                "The request body is larger than this gateway accepts (" + limitBytes + " bytes).", false, null);
    }

    /** The upstream refused the request for its size (its own limit is 4.5 MB). */
    public static ApiError upstreamTooLarge() {
        return new ApiError(413, "invalid_request_error", null, "request_too_large",
                "The upstream refused the request as too large (its limit is 4.5 MB; large images are the usual cause).",
                false, null);
    }

    /** A 429 that a retry will not fix before {@code retryAfterSeconds} (the daily limit). */
    public static ApiError dailyRateLimit(String message, Long retryAfterSeconds) {
        return new ApiError(429, "rate_limit_exceeded", null, "rate_limit_exceeded", message, false, retryAfterSeconds);
    }

    public static ApiError providerRateLimit(String message) {
        return new ApiError(429, "rate_limit_exceeded", null, "rate_limit_exceeded", message, true, null);
    }

    public static ApiError overloaded(String message) {
        return new ApiError(503, "server_error", null, "upstream_overloaded", message, true, null);
    }

    public static ApiError badGateway(String message) {
        return new ApiError(502, "server_error", null, "upstream_error", message, true, null);
    }

    public static ApiError gatewayTimeout(String message) {
        return new ApiError(504, "server_error", null, "upstream_timeout", message, true, null);
    }

    public static ApiError unavailable(String message) {
        return new ApiError(503, "server_error", null, "unavailable", message, true, null);
    }

    public static ApiError internal() {
        return new ApiError(500, "server_error", null, null,
                "The gateway failed to handle this request. The log has the details under its request id.", true, null);
    }

    public int status() { return status; }
    public String type() { return type; }
    public String param() { return param; }
    public String code() { return code; }
    /** Whether a client retry can succeed; sent as {@code x-should-retry}. */
    public boolean retryable() { return retryable; }
    /** Seconds for {@code Retry-After}, or null. */
    public Long retryAfterSeconds() { return retryAfterSeconds; }
}
