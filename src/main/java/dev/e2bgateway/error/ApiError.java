package dev.e2bgateway.error;

/**
 * Every failure a client can see, ours or the upstream's, in no API's wire format: what kind of
 * failure it is, the HTTP status, an optional offending parameter and machine code, the message,
 * and the retry advice. Each dialect renders it in its own error shape.
 */
public final class ApiError extends RuntimeException {

    /** What went wrong, in the terms every dialect maps to its own error types. */
    public enum Kind {
        INVALID_REQUEST(400), AUTHENTICATION(401), PERMISSION(403), NOT_FOUND(404), METHOD_NOT_ALLOWED(405),
        TOO_LARGE(413), RATE_LIMITED(429), INTERNAL(500), UPSTREAM(502), OVERLOADED(503), UNAVAILABLE(503),
        TIMEOUT(504);

        public final int status;

        Kind(int status) {
            this.status = status;
        }
    }

    private final Kind kind;
    private final String param;
    private final String code;
    private final boolean retryable;
    private final Long retryAfterSeconds;

    public ApiError(Kind kind, String param, String code, String message, boolean retryable, Long retryAfterSeconds) {
        super(message, null, false, false); // no stack: these are answers, not bugs
        this.kind = kind;
        this.param = param;
        this.code = code;
        this.retryable = retryable;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiError invalidRequest(String param, String message) {
        return new ApiError(Kind.INVALID_REQUEST, param, null, message, false, null);
    }

    public static ApiError invalidRequest(String param, String code, String message) {
        return new ApiError(Kind.INVALID_REQUEST, param, code, message, false, null);
    }

    public static ApiError invalidApiKey() {
        return new ApiError(Kind.AUTHENTICATION, null, "invalid_api_key",
                "Incorrect API key provided. Send it as 'Authorization: Bearer <key>'.", false, null);
    }

    public static ApiError modelNotFound(String model) {
        return new ApiError(Kind.NOT_FOUND, "model", "model_not_found",
                "The model '" + model + "' does not exist. GET /v1/models lists the models this gateway serves.",
                false, null);
    }

    public static ApiError notFound(String method, String path) {
        return new ApiError(Kind.NOT_FOUND, null, "not_found", "Unknown request URL: " + method + " " + path + ".", false, null);
    }

    public static ApiError methodNotAllowed(String method, String path) {
        return new ApiError(Kind.METHOD_NOT_ALLOWED, null, "method_not_allowed",
                "Method " + method + " is not allowed on " + path + ".", false, null);
    }

    public static ApiError bodyTooLarge(long limitBytes) {
        return new ApiError(Kind.TOO_LARGE, null, "request_too_large",
                "The request body is larger than this gateway accepts (" + limitBytes + " bytes).", false, null);
    }

    public static ApiError unavailable(String message) {
        return new ApiError(Kind.UNAVAILABLE, null, "unavailable", message, true, null);
    }

    public static ApiError internal() {
        return new ApiError(Kind.INTERNAL, null, null,
                "The gateway failed to handle this request. The log has the details under its request id.", true, null);
    }

    public Kind kind() { return kind; }
    public int status() { return kind.status; }
    public String param() { return param; }
    public String code() { return code; }
    /** Whether a client retry can succeed; sent as {@code x-should-retry}. */
    public boolean retryable() { return retryable; }
    /** Seconds for {@code Retry-After}, or null. */
    public Long retryAfterSeconds() { return retryAfterSeconds; }
}
