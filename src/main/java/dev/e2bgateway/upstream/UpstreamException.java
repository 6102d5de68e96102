package dev.e2bgateway.upstream;

import dev.e2bgateway.error.ApiError;

/** A failed upstream call, classified: what happened, what the client is told, whether a retry may help. */
public final class UpstreamException extends Exception {

    public enum Kind {
        RATE_LIMIT_DAILY("429"), RATE_LIMIT_PROVIDER("429"), OVERLOADED("5xx"), KEY_REJECTED("403"),
        PROVIDER_ERROR("5xx"), REJECTED_REQUEST("5xx"), EDGE_PAGE("edge"), TOO_LARGE("413"), BAD_STATUS("status"),
        NOT_JSON("not_json"), CUT("cut"), CONNECT("connect"), FIRST_BYTE_TIMEOUT("timeout"),
        IDLE_TIMEOUT("timeout"), READ_ERROR("read");

        /** A short label for metrics and logs. */
        public final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private final Kind kind;
    private final ApiError error;
    private final boolean retryable;

    public UpstreamException(Kind kind, ApiError error, boolean retryable) {
        super(error.getMessage(), null, false, false);
        this.kind = kind;
        this.error = error;
        this.retryable = retryable;
    }

    public Kind kind() {
        return kind;
    }

    /** What the client is told. */
    public ApiError error() {
        return error;
    }

    /** Whether the gateway may try the call again (nothing has reached the client yet). */
    public boolean retryable() {
        return retryable;
    }
}
