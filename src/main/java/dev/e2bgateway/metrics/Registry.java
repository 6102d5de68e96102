package dev.e2bgateway.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Counters, gauges and timers, written in Prometheus' text format (0.0.4) as Micrometer's
 * Prometheus registry (1.17) wrote the gateway's meters before this replaced it: the same
 * families in name order, labels in name order, numbers, histogram buckets and maxima of the last minutes
 * ({@code RegistryParityTest} runs the two side by side). A start loads about 20 classes for it
 * instead of Micrometer's and Prometheus' 180 (docs/benchmarks.md, "memory when idle").
 * <p>
 * Names are given as Prometheus writes them, a counter's without {@code _total}; labels as
 * name, value pairs.
 */
final class Registry {

    private enum Kind { COUNTER, GAUGE, SUMMARY, HISTOGRAM }

    /** A family: its meters by their labels (name, value pairs, names sorted). */
    private record Family(String name, String help, Kind kind, long[] bounds, Map<List<String>, Object> series) {}

    private final Map<String, Family> families = new ConcurrentHashMap<>();
    private final LongSupplier wallMillis;

    /** {@code wallMillis}: the clock the timers' maxima age by (Unix ms). */
    Registry(LongSupplier wallMillis) {
        this.wallMillis = wallMillis;
    }

    /** A counter that only goes up, found again when the name and labels were registered before. */
    Counter counter(String name, String help, String... labels) {
        return (Counter) meter(name, help, Kind.COUNTER, null, labels, l -> new Counter());
    }

    /** A timer written as a summary: count, sum and the largest of the last two to three minutes, in seconds. */
    Timer timer(String name, String help, String... labels) {
        return (Timer) meter(name, help, Kind.SUMMARY, null, labels, l -> new Timer(null, wallMillis));
    }

    /** A timer written as a histogram with Micrometer's percentile buckets from {@code minNanos} to {@code maxNanos}. */
    Timer histogram(String name, String help, long minNanos, long maxNanos, String... labels) {
        long[] bounds = percentileBuckets(minNanos, maxNanos);
        return (Timer) meter(name, help, Kind.HISTOGRAM, bounds, labels, l -> new Timer(bounds, wallMillis));
    }

    /** A gauge read at each scrape. Registering the same name and labels again keeps the first. */
    void gauge(String name, String help, DoubleSupplier value, String... labels) {
        meter(name, help, Kind.GAUGE, null, labels, l -> value);
    }

    /** Removes the meter of this name and labels, if any; a family left empty is not written. */
    void remove(String name, String... labels) {
        Family family = families.get(name);
        if (family != null) family.series.remove(labelKey(labels));
    }

    private Object meter(String name, String help, Kind kind, long[] bounds, String[] labels,
                         java.util.function.Function<List<String>, Object> create) {
        Family family = families.computeIfAbsent(name, n -> new Family(n, help, kind, bounds, new ConcurrentHashMap<>()));
        if (family.kind != kind) throw new IllegalArgumentException(name + " is a " + family.kind + ", not a " + kind);
        return family.series.computeIfAbsent(labelKey(labels), create);
    }

    private static List<String> labelKey(String[] labels) {
        if (labels.length % 2 != 0) throw new IllegalArgumentException("labels come in name, value pairs");
        String[][] pairs = new String[labels.length / 2][];
        for (int i = 0; i < pairs.length; i++) pairs[i] = new String[]{labels[2 * i], labels[2 * i + 1]};
        Arrays.sort(pairs, Comparator.comparing(p -> p[0]));
        List<String> key = new ArrayList<>(labels.length);
        for (String[] p : pairs) {
            key.add(p[0]);
            key.add(p[1]);
        }
        return List.copyOf(key);
    }

    static final class Counter {
        private final LongAdder count = new LongAdder();

        void increment() {
            count.increment();
        }
    }

    static final class Timer {
        private final LongAdder count = new LongAdder();
        private final LongAdder totalNanos = new LongAdder();
        private final WindowMax max;
        private final long[] bounds;
        private final AtomicLongArray inBucket;

        private Timer(long[] bounds, LongSupplier wallMillis) {
            this.bounds = bounds;
            this.inBucket = bounds == null ? null : new AtomicLongArray(bounds.length);
            this.max = new WindowMax(wallMillis);
        }

        /** A negative duration is not recorded. */
        void record(long nanos) {
            if (nanos < 0) return;
            count.increment();
            totalNanos.add(nanos);
            max.record(nanos);
            if (bounds != null) {
                int i = Arrays.binarySearch(bounds, nanos);
                if (i < 0) i = -i - 1; // the first bound at or above
                if (i < bounds.length) inBucket.incrementAndGet(i); // above the last: only in +Inf
            }
        }
    }

    /**
     * The largest recent sample, as Micrometer's Prometheus registry keeps it: three slots, every
     * sample goes into each, and each minute (the registry's step) the slot read is emptied and the
     * next one read, so a sample shows for two to three minutes.
     */
    static final class WindowMax {
        private static final long ROTATE_MILLIS = 60_000;
        private final AtomicLong[] slots = {new AtomicLong(), new AtomicLong(), new AtomicLong()};
        private final LongSupplier wallMillis;
        private volatile long lastRotation;
        private volatile int current;

        WindowMax(LongSupplier wallMillis) {
            this.wallMillis = wallMillis;
            this.lastRotation = wallMillis.getAsLong();
        }

        void record(long sample) {
            rotate();
            for (AtomicLong slot : slots) slot.accumulateAndGet(sample, Math::max);
        }

        long poll() {
            rotate();
            return slots[current].get();
        }

        private void rotate() {
            if (wallMillis.getAsLong() - lastRotation < ROTATE_MILLIS) return; // the common case, without the lock
            synchronized (this) {
                long now = wallMillis.getAsLong();
                long since = now - lastRotation;
                if (since < ROTATE_MILLIS) return;
                if (since >= ROTATE_MILLIS * slots.length) {
                    for (AtomicLong slot : slots) slot.set(0);
                    current = 0;
                    lastRotation = now - since % ROTATE_MILLIS;
                    return;
                }
                do {
                    // the next slot is read from now on, then the old one emptied: a scrape that does
                    // not take the lock never reads a slot in the middle of being emptied
                    int old = current;
                    current = (old + 1) % slots.length;
                    slots[old].set(0);
                    since -= ROTATE_MILLIS;
                    lastRotation += ROTATE_MILLIS;
                } while (since >= ROTATE_MILLIS);
            }
        }
    }

    /**
     * Micrometer's percentile-histogram bounds (ns) from {@code min} to {@code max}, both included:
     * 1, 2, 3, then from each power of 4 up to the next in nine steps of a third of it.
     */
    static long[] percentileBuckets(long min, long max) {
        TreeSet<Long> bounds = new TreeSet<>(List.of(1L, 2L, 3L, Long.MAX_VALUE));
        for (int exp = 2; exp < 62; exp += 2) {
            long power = 1L << exp;
            long step = power / 3;
            for (long b = power; b < (power << 2) - step; b += step) bounds.add(b);
        }
        TreeSet<Long> kept = new TreeSet<>(bounds.subSet(min, true, max, true));
        kept.add(min);
        kept.add(max);
        return kept.stream().mapToLong(Long::longValue).toArray();
    }

    /** One family as written: a timer's maximum is a gauge family of its own, sorted by its own name. */
    private record Block(String name, Family family, boolean maximum) {}

    /** The text exposition: families in name order, meters in label order. */
    String scrape() {
        List<Block> blocks = new ArrayList<>();
        for (Family f : families.values()) {
            if (f.series.isEmpty()) continue;
            blocks.add(new Block(f.name, f, false));
            if (f.kind == Kind.SUMMARY || f.kind == Kind.HISTOGRAM) blocks.add(new Block(f.name + "_max", f, true));
        }
        blocks.sort(Comparator.comparing(Block::name));
        StringBuilder out = new StringBuilder(8192);
        for (Block block : blocks) write(out, block.family, block.maximum);
        return out.toString();
    }

    private static final Comparator<List<String>> BY_LABELS = (a, b) -> {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) return c;
        }
        return Integer.compare(a.size(), b.size());
    };

    private static void write(StringBuilder out, Family f, boolean maximum) {
        String name = maximum ? f.name + "_max" : f.kind == Kind.COUNTER ? f.name + "_total" : f.name;
        String type = maximum ? "gauge" : switch (f.kind) {
            case COUNTER -> "counter";
            case GAUGE -> "gauge";
            case SUMMARY -> "summary";
            case HISTOGRAM -> "histogram";
        };
        out.append("# HELP ").append(name).append(' ');
        escape(out, f.help, false);
        out.append("\n# TYPE ").append(name).append(' ').append(type).append('\n');
        List<List<String>> keys = new ArrayList<>(f.series.keySet());
        keys.sort(BY_LABELS);
        for (List<String> labels : keys) {
            Object meter = f.series.get(labels);
            if (meter == null) continue; // removed meanwhile
            if (maximum) {
                sample(out, name, "", labels, null, seconds(((Timer) meter).max.poll()));
            } else if (meter instanceof Counter c) {
                sample(out, name, "", labels, null, number((double) c.count.sum()));
            } else if (meter instanceof DoubleSupplier g) {
                sample(out, name, "", labels, null, number(g.getAsDouble()));
            } else {
                Timer t = (Timer) meter;
                long count = t.count.sum();
                if (t.bounds != null) {
                    long cumulative = 0;
                    for (int i = 0; i < t.bounds.length; i++) {
                        cumulative += t.inBucket.get(i);
                        sample(out, name, "_bucket", labels, seconds(t.bounds[i]), Long.toString(cumulative));
                    }
                    sample(out, name, "_bucket", labels, "+Inf", Long.toString(count));
                }
                sample(out, name, "_count", labels, null, Long.toString(count));
                sample(out, name, "_sum", labels, null, seconds(t.totalNanos.sum()));
            }
        }
    }

    private static void sample(StringBuilder out, String name, String suffix, List<String> labels, String le, String value) {
        out.append(name).append(suffix);
        if (!labels.isEmpty() || le != null) {
            out.append('{');
            for (int i = 0; i < labels.size(); i += 2) {
                if (i > 0) out.append(',');
                out.append(labels.get(i)).append("=\"");
                escape(out, labels.get(i + 1), true);
                out.append('"');
            }
            if (le != null) out.append(labels.isEmpty() ? "" : ",").append("le=\"").append(le).append('"');
            out.append('}');
        }
        out.append(' ').append(value).append('\n');
    }

    private static String seconds(long nanos) {
        return number(nanos / 1e9);
    }

    private static String number(double d) {
        if (d == Double.POSITIVE_INFINITY) return "+Inf";
        if (d == Double.NEGATIVE_INFINITY) return "-Inf";
        return Double.toString(d); // NaN too
    }

    /** Help escapes backslashes and newlines; label values double quotes as well. */
    private static void escape(StringBuilder out, String s, boolean quotes) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '"' -> out.append(quotes ? "\\\"" : "\"");
                default -> out.append(c);
            }
        }
    }
}
