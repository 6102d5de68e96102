package dev.e2bgateway.core;

import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * How long to wait before the next upstream attempt: exponential from {@code baseMillis}
 * (base, 2x, 4x, ...), each scaled by a random factor from 0.5 to 1.5, at most {@code capMillis}.
 * When the upstream said when it takes requests again and that is within the cap, its word wins.
 *
 * @param random a source of doubles in [0, 1)
 * @param clock  the current time in Unix milliseconds
 */
public record Backoff(long baseMillis, long capMillis, DoubleSupplier random, LongSupplier clock) {

    public static final long DEFAULT_CAP_MILLIS = 30_000;

    /** The delay before attempt {@code attempt + 1}; {@code retryAtMillis} is the upstream's reset time or null. */
    public long delayMillis(int attempt, Long retryAtMillis) {
        if (retryAtMillis != null) {
            long untilReset = retryAtMillis - clock.getAsLong();
            if (untilReset <= capMillis) return Math.max(0, untilReset);
        }
        long exp = baseMillis << Math.min(attempt - 1, 16);
        double jitter = 0.5 + random.getAsDouble();
        return Math.min(capMillis, (long) (exp * jitter));
    }
}
