package dev.e2bgateway.state;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** {@link Counters} in this process's memory; expired counters are dropped as new ones come. */
public final class MemoryCounters implements Counters {

    private record Counter(long value, long expiresAt) {}

    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    public MemoryCounters(LongSupplier clock) {
        this.clock = clock;
    }

    @Override
    public long add(String counter, long delta, long expiresAtMillis) {
        long now = clock.getAsLong();
        if (counters.size() > 1024) counters.values().removeIf(c -> c.expiresAt() <= now);
        return counters.compute(counter, (k, c) -> c == null || c.expiresAt() <= now
                ? new Counter(delta, expiresAtMillis) : new Counter(c.value() + delta, Math.max(c.expiresAt(), expiresAtMillis))).value();
    }

    @Override
    public long get(String counter) {
        Counter c = counters.get(counter);
        return c == null || c.expiresAt() <= clock.getAsLong() ? 0 : c.value();
    }
}
