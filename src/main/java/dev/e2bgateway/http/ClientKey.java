package dev.e2bgateway.http;

/**
 * A key clients may present, by name: its SHA-256 digest (the key itself is not kept) and its
 * limits. Logs and metrics name it, never show it.
 *
 * @param rpm         requests per minute (0: no limit)
 * @param rpd         requests per day (0: no limit)
 * @param concurrency chats at once (0: no limit)
 * @param interpreter whether it may use the built-in code interpreter ("interpreter"; null: as E2B_CODE_INTERPRETER says)
 * @param sandboxRunsPerDay code cells it may have run in sandboxes per day, UTC ("sandbox_runs_per_day"; 0: no limit)
 */
public record ClientKey(String name, byte[] digest, int rpm, int rpd, int concurrency, Boolean interpreter, int sandboxRunsPerDay) {

    /** A key with the default capability and no sandbox-run budget. */
    public ClientKey(String name, byte[] digest, int rpm, int rpd, int concurrency) {
        this(name, digest, rpm, rpd, concurrency, null, 0);
    }

    public boolean limited() {
        return rpm > 0 || rpd > 0 || concurrency > 0;
    }

    /** Whether the key may have the code interpreter run code; {@code gatewayDefault} is E2B_CODE_INTERPRETER. */
    public boolean mayRunCode(boolean gatewayDefault) {
        return interpreter == null ? gatewayDefault : interpreter && gatewayDefault;
    }
}
