package dev.e2bgateway.upstream;

/**
 * A failed upstream call in the upstream's own terms: what happened, the upstream's status and
 * words if it sent any, whether another attempt may succeed, and when the upstream said it would
 * take requests again. What a client is told is decided elsewhere (the core's error table).
 */
public final class UpstreamFailure extends Exception {

    public enum Kind {
        /** 429 from the host's own daily, per-IP limit. */
        RATE_LIMIT_DAILY("429"),
        /** 429 passed on from the model provider (its rate or billing limit). */
        RATE_LIMIT_PROVIDER("429"),
        /** 529/503: the provider is overloaded. */
        OVERLOADED("5xx"),
        /** 403 "Access denied": the provider refused the key the upstream sent (its 401/403); the same on every try. */
        KEY_REJECTED("403"),
        /** 500 with the generic text: any other provider error. */
        PROVIDER_ERROR("5xx"),
        /** 500 with an empty body: the upstream could not parse the request; the same on every try. */
        REJECTED_REQUEST("5xx"),
        /** An HTML page from a CDN or bot protection. */
        EDGE_PAGE("edge"),
        /** 413: the request body is over the host's limit. */
        TOO_LARGE("413"),
        /** Any other status. */
        BAD_STATUS("status"),
        /** A 200 whose body is not JSON at all. */
        NOT_JSON("not_json"),
        /** A 200 whose body is JSON-like but broken. */
        MALFORMED("malformed"),
        /** A 200 whose body ended before its object closed: the reply was cut off. */
        CUT("cut"),
        /** A 200 with an empty body. */
        EMPTY("empty"),
        /** No connection could be made (refused, reset, DNS, TLS). */
        CONNECT("connect"),
        /** No response headers within the first-byte timeout. */
        FIRST_BYTE_TIMEOUT("timeout"),
        /** The body stopped arriving for longer than the idle timeout. */
        IDLE_TIMEOUT("timeout"),
        /** The connection failed in the middle of the body. */
        READ_ERROR("read"),
        /** Our side cancelled the call; not a failure of the upstream. */
        CANCELLED("cancelled");

        /** A short class of failure for metrics and logs. */
        public final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private final Kind kind;
    private final int status;
    private final String detail;
    private final boolean retryable;
    private final Long retryAtMillis;

    /**
     * @param status        the upstream's HTTP status, or 0 when none was received
     * @param detail        what the upstream said or what failed, one line; may be empty
     * @param retryable     whether another attempt may succeed (nothing has been read yet)
     * @param retryAtMillis when the upstream said it takes requests again (Unix ms), or null
     */
    public UpstreamFailure(Kind kind, int status, String detail, boolean retryable, Long retryAtMillis) {
        super(kind + (detail.isEmpty() ? "" : ": " + detail), null, false, false);
        this.kind = kind;
        this.status = status;
        this.detail = detail;
        this.retryable = retryable;
        this.retryAtMillis = retryAtMillis;
    }

    public UpstreamFailure(Kind kind, String detail, boolean retryable) {
        this(kind, 0, detail, retryable, null);
    }

    public Kind kind() { return kind; }
    public int status() { return status; }
    public String detail() { return detail; }
    public boolean retryable() { return retryable; }
    public Long retryAtMillis() { return retryAtMillis; }

    /** The same failure, with another verdict on retrying. */
    public UpstreamFailure retryable(boolean again) {
        return new UpstreamFailure(kind, status, detail, again, retryAtMillis);
    }
}
