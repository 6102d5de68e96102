package dev.e2bgateway.reload;

import java.time.Instant;

/**
 * The version of a settings file in use: the SHA-256 of its bytes and when they were loaded.
 * Operators compare {@link #shortHash()} with {@code sha256sum FILE | cut -c1-12}.
 */
public record Version(String sha256, long loadedAtMillis) {

    /** Enough of the hash to tell versions apart, and short enough to read. */
    public String shortHash() {
        return sha256.substring(0, 12);
    }

    public String loadedAt() {
        return Instant.ofEpochMilli(loadedAtMillis).toString();
    }
}
