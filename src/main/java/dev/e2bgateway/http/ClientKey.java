package dev.e2bgateway.http;

/**
 * A key clients may present, by name: its SHA-256 digest (the key itself is not kept) and its
 * limits. Logs and metrics name it, never show it.
 *
 * @param rpm         requests per minute (0: no limit)
 * @param rpd         requests per day (0: no limit)
 * @param concurrency chats at once (0: no limit)
 */
public record ClientKey(String name, byte[] digest, int rpm, int rpd, int concurrency) {

    public boolean limited() {
        return rpm > 0 || rpd > 0 || concurrency > 0;
    }
}
