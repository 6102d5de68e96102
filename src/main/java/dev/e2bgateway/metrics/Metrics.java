package dev.e2bgateway.metrics;

import dev.e2bgateway.core.InFlight;
import dev.e2bgateway.core.RouteTable;
import dev.e2bgateway.core.UpstreamEvents;
import dev.e2bgateway.upstream.UpstreamFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's metrics in a Micrometer Prometheus registry, served at {@code /metrics}:
 * requests by route, status and model; chats by how they ended; upstream latency and time to
 * first token; streams in flight; upstream failures by kind; retries.
 */
public final class Metrics implements UpstreamEvents {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter retries;
    private final Counter toolCalls;
    private final Counter textAfterCalls;

    public Metrics(InFlight inFlight) {
        Gauge.builder("gateway.streams.active", inFlight, InFlight::count)
                .description("Chat requests in flight (streaming or not)").register(registry);
        retries = Counter.builder("gateway.upstream.retries").description("Upstream attempts repeated after a failure")
                .register(registry);
        toolCalls = Counter.builder("gateway.tool.calls").description("Tool calls read from model replies and sent to clients")
                .register(registry);
        textAfterCalls = Counter.builder("gateway.tool.text.dropped")
                .description("Replies whose text after the tool calls was not shown (the call format drops it)").register(registry);
    }

    /** The meters of each label set, found once: building and registering a meter's id on every request cost more than recording. */
    private record RequestLabels(String route, String method, int status, String model) {}

    private final Map<RequestLabels, Timer> requests = new ConcurrentHashMap<>();
    private final Map<String, Timer> latencies = new ConcurrentHashMap<>();
    private final Map<String, Timer> firstTokens = new ConcurrentHashMap<>();
    private final Map<String, Counter> routeAttempts = new ConcurrentHashMap<>();

    /** One finished request to the gateway. */
    public void request(String route, String method, int status, String model, long nanos) {
        requests.computeIfAbsent(new RequestLabels(route, method, status, model), l -> Timer.builder("gateway.requests")
                .description("Requests to the gateway")
                .tag("route", l.route()).tag("method", l.method()).tag("status", String.valueOf(l.status())).tag("model", l.model())
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();

    /** How one chat ended: ok, client_gone, cut, error or limited (five values, so the label stays small). */
    public void chatOutcome(String outcome) {
        outcomes.computeIfAbsent(outcome, o -> Counter.builder("gateway.chat.outcomes")
                .description("Chats by how they ended (ok, client_gone, cut, error, limited)")
                .tag("outcome", o).register(registry)).increment();
    }

    @Override
    public void failure(UpstreamFailure.Kind kind) {
        Counter.builder("gateway.upstream.failures").description("Failed upstream calls by kind")
                .tag("kind", kind.name().toLowerCase()).tag("class", kind.label)
                .register(registry).increment();
    }

    private final List<Meter> routeGauges = new ArrayList<>();

    /**
     * Gauges of each upstream route: available (1) or sitting out (0), and its consecutive failures.
     * Called again with each reloaded table: the gauges then read that one (a route gone has none).
     */
    public synchronized void routes(RouteTable routes) {
        routeGauges.forEach(registry::remove);
        routeGauges.clear();
        for (RouteTable.Status s : routes.status()) {
            String name = s.name();
            routeGauges.add(Gauge.builder("gateway.upstream.route.available", routes, t -> t.status().stream()
                            .filter(r -> r.name().equals(name)).findFirst().map(r -> r.available() ? 1.0 : 0.0).orElse(0.0))
                    .description("Whether an upstream route takes new requests (0: sitting out its daily limit or a failure, or its trial in flight)")
                    .tag("route", name).strongReference(true).register(registry));
            routeGauges.add(Gauge.builder("gateway.upstream.route.failures", routes, t -> t.status().stream()
                            .filter(r -> r.name().equals(name)).findFirst().map(r -> (double) r.failures()).orElse(0.0))
                    .description("Consecutive failures of an upstream route").tag("route", name).strongReference(true).register(registry));
        }
    }

    /** Every outcome of each settings file given starts at 0, so a dashboard sees the first reload as an increase. */
    public void configFiles(Collection<String> files, Collection<String> outcomes) {
        for (String file : files) {
            for (String outcome : outcomes) configReloadCounter(file, outcome);
        }
    }

    /** A look at a settings file ({@code keys}, {@code models}, {@code upstreams}): {@code ok}, {@code refused} or {@code unchanged}. */
    public void configReload(String file, String outcome) {
        configReloadCounter(file, outcome).increment();
    }

    private Counter configReloadCounter(String file, String outcome) {
        return Counter.builder("gateway.config.reloads").description("Settings files re-read (SIGHUP or a change on disk), by outcome")
                .tag("file", file).tag("outcome", outcome).register(registry);
    }

    @Override
    public void routeChosen(String route) {
        routeAttempts.computeIfAbsent(route, r -> Counter.builder("gateway.upstream.route.attempts")
                .description("Upstream attempts by route").tag("route", r).register(registry)).increment();
    }

    /** A chat refused for its key's limit ({@code rpm}, {@code rpd}, {@code concurrency}); the key by name. */
    public void keyLimited(String key, String limit) {
        Counter.builder("gateway.key.limited").description("Chats refused for their key's limits")
                .tag("key", key).tag("limit", limit).register(registry).increment();
    }

    @Override
    public void toolCall() {
        toolCalls.increment();
    }

    @Override
    public void toolBlockAsText(String reason) {
        Counter.builder("gateway.tool.blocks.as.text").description("Would-be tool calls that were not valid calls, returned as text")
                .tag("reason", reason).register(registry).increment();
    }

    @Override
    public void textAfterCalls() {
        textAfterCalls.increment();
    }

    @Override
    public void sandboxRun(String key, String outcome) {
        Counter.builder("gateway.sandbox.runs").description("Code interpreter cells sent to a sandbox, by key and outcome")
                .tag("key", key).tag("outcome", outcome).register(registry).increment();
    }

    @Override
    public void retry() {
        retries.increment();
    }

    @Override
    public void completed(String model, long upstreamNanos, long firstTokenNanos) {
        latencies.computeIfAbsent(model, m -> histogram("gateway.upstream.latency", "Time from the request to the end of the upstream reply", m))
                .record(upstreamNanos, TimeUnit.NANOSECONDS);
        if (firstTokenNanos >= 0) {
            firstTokens.computeIfAbsent(model, m -> histogram("gateway.upstream.ttft", "Time from the request to the first reply text", m))
                    .record(firstTokenNanos, TimeUnit.NANOSECONDS);
        }
    }

    private Timer histogram(String name, String description, String model) {
        return Timer.builder(name).description(description).tag("model", model)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }
}
