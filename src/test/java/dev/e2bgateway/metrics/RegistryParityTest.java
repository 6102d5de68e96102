package dev.e2bgateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's {@link Registry} writes what Micrometer's Prometheus registry, which it replaced,
 * writes for the same meters and the same events: random counts, durations (at, around and beyond
 * the histogram's bounds, negative ones too), gauges set and removed, label values that need
 * escaping, label names given out of order, and a clock that ages the maxima.
 */
class RegistryParityTest {

    private static final String[] VALUES = {"gpt-4o", "claude \"sonnet\"", "a\\b", "line\nbreak", "ünïcode", "", "z"};

    private final MockClock clock = new MockClock();
    private final PrometheusMeterRegistry micrometer = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), clock);
    private final Registry ours = new Registry(clock::wallTime);
    private final Map<String, double[]> gaugeValues = new HashMap<>();
    private final Map<String, Gauge> micrometerGauges = new HashMap<>();

    @Test
    void the_text_is_micrometers_for_random_events() {
        Random random = new Random(20261207);
        for (int step = 0; step < 3000; step++) {
            String a = VALUES[random.nextInt(VALUES.length)];
            String b = VALUES[random.nextInt(VALUES.length)];
            switch (random.nextInt(9)) {
                case 0 -> {
                    Counter.builder("test.requests.counted").description("Counted \\ things\nover lines").tag("model", a).register(micrometer).increment();
                    ours.counter("test_requests_counted", "Counted \\ things\nover lines", "model", a).increment();
                }
                case 1 -> {
                    // label names out of order: both write them sorted
                    Counter.builder("test.failures").description("Failures").tag("kind", a).tag("class", b).register(micrometer).increment();
                    ours.counter("test_failures", "Failures", "kind", a, "class", b).increment();
                }
                case 2 -> {
                    long nanos = duration(random);
                    Timer.builder("test.requests").description("Requests").tag("route", a).tag("method", b).register(micrometer)
                            .record(nanos, TimeUnit.NANOSECONDS);
                    ours.timer("test_requests_seconds", "Requests", "route", a, "method", b).record(nanos);
                }
                case 3, 4 -> {
                    long nanos = duration(random);
                    Timer.builder("test.latency").description("Latency").tag("model", a).publishPercentileHistogram()
                            .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofMinutes(5))
                            .register(micrometer).record(nanos, TimeUnit.NANOSECONDS);
                    ours.histogram("test_latency_seconds", "Latency", TimeUnit.MILLISECONDS.toNanos(10), TimeUnit.MINUTES.toNanos(5), "model", a)
                            .record(nanos);
                }
                case 5 -> {
                    long nanos = duration(random);
                    Timer.builder("test.short").description("Short ones").publishPercentileHistogram()
                            .minimumExpectedValue(Duration.ofNanos(1_000)).maximumExpectedValue(Duration.ofMillis(3))
                            .register(micrometer).record(nanos, TimeUnit.NANOSECONDS);
                    ours.histogram("test_short_seconds", "Short ones", 1_000, TimeUnit.MILLISECONDS.toNanos(3)).record(nanos);
                }
                case 6 -> gauge(a, random.nextInt(10) == 0 ? Double.NaN : random.nextInt(1000) / 8.0);
                case 7 -> {
                    Gauge gone = micrometerGauges.remove(a);
                    if (gone != null) micrometer.remove(gone);
                    ours.remove("test_route_available", "route", a);
                }
                default -> clock.add(Duration.ofMillis(random.nextInt(3) == 0 ? random.nextInt(200_000) : random.nextInt(5_000)));
            }
            if (step % 50 == 0) compare(step);
        }
        compare(3000);
        // the run met what it is meant to compare
        assertThat(covered).containsExactlyInAnyOrder(COVERAGE);
    }

    private static final String[] COVERAGE = {"test_latency_seconds_bucket{model=\"gpt-4o\",le=\"0.01\"} ", "claude \\\"sonnet\\\"",
            "line\\nbreak", "test_requests_seconds_max{", "test_short_seconds_max 0.0\n", "# TYPE test_failures_total counter", " NaN\n"};
    private final java.util.Set<String> covered = new java.util.HashSet<>();

    private void compare(int step) {
        String text = ours.scrape();
        assertThat(text).as("after step %d", step).isEqualTo(micrometer.scrape());
        for (String s : COVERAGE) if (text.contains(s)) covered.add(s);
    }

    /** The same gauge name and labels again keeps the first gauge in both; its value is read at each scrape. */
    private void gauge(String route, double value) {
        double[] cell = gaugeValues.computeIfAbsent(route, r -> new double[1]);
        cell[0] = value;
        if (!micrometerGauges.containsKey(route)) {
            micrometerGauges.put(route, Gauge.builder("test.route.available", cell, c -> c[0]).description("Available")
                    .tag("route", route).strongReference(true).register(micrometer));
            ours.gauge("test_route_available", "Available", () -> cell[0], "route", route);
        }
    }

    /** Durations from nanoseconds to ten minutes, a bound of the histograms exactly now and then, and a negative one. */
    private static long duration(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> -random.nextInt(1000);
            case 1 -> Registry.percentileBuckets(TimeUnit.MILLISECONDS.toNanos(10), TimeUnit.MINUTES.toNanos(5))[random.nextInt(20)];
            case 2 -> TimeUnit.MINUTES.toNanos(5) + random.nextInt(3) - 1;
            default -> (long) Math.pow(10, random.nextDouble() * 11.8);
        };
    }
}
