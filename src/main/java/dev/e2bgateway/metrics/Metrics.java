package dev.e2bgateway.metrics;

import dev.e2bgateway.core.InFlight;
import dev.e2bgateway.core.RouteTable;
import dev.e2bgateway.core.UpstreamEvents;
import dev.e2bgateway.upstream.UpstreamFailure;
import dev.e2bgateway.metrics.Registry.Counter;
import dev.e2bgateway.metrics.Registry.Timer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The gateway's metrics in Prometheus' text format ({@link Registry}), served at {@code /metrics}:
 * requests by route, status and model; chats by how they ended; upstream latency and time to
 * first token; streams in flight; upstream failures by kind; retries.
 */
public final class Metrics implements UpstreamEvents {

    private static final long HISTOGRAM_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long HISTOGRAM_MAX_NANOS = TimeUnit.MINUTES.toNanos(5);

    private final Registry registry = new Registry(System::currentTimeMillis);
    private final Counter retries;
    private final Counter toolCalls;
    private final Counter textAfterCalls;

    public Metrics(InFlight inFlight) {
        registry.gauge("gateway_streams_active", "Chat requests in flight (streaming or not)", inFlight::count);
        retries = registry.counter("gateway_upstream_retries", "Upstream attempts repeated after a failure");
        toolCalls = registry.counter("gateway_tool_calls", "Tool calls read from model replies and sent to clients");
        textAfterCalls = registry.counter("gateway_tool_text_dropped",
                "Replies whose text after the tool calls was not shown (the call format drops it)");
    }

    /** The meters of each label set, found once: building and registering a meter's id on every request cost more than recording. */
    private record RequestLabels(String route, String method, int status, String model) {}

    private final Map<RequestLabels, Timer> requests = new ConcurrentHashMap<>();
    private final Map<String, Timer> latencies = new ConcurrentHashMap<>();
    private final Map<String, Timer> firstTokens = new ConcurrentHashMap<>();
    private final Map<String, Counter> routeAttempts = new ConcurrentHashMap<>();

    /** One finished request to the gateway. */
    public void request(String route, String method, int status, String model, long nanos) {
        requests.computeIfAbsent(new RequestLabels(route, method, status, model), l -> registry.timer("gateway_requests_seconds",
                "Requests to the gateway", "route", l.route(), "method", l.method(), "status", String.valueOf(l.status()), "model", l.model()))
                .record(nanos);
    }

    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();

    /** How one chat ended: ok, client_gone, cut, error or limited (five values, so the label stays small). */
    public void chatOutcome(String outcome) {
        outcomes.computeIfAbsent(outcome, o -> registry.counter("gateway_chat_outcomes",
                "Chats by how they ended (ok, client_gone, cut, error, limited)", "outcome", o)).increment();
    }

    @Override
    public void failure(UpstreamFailure.Kind kind) {
        registry.counter("gateway_upstream_failures", "Failed upstream calls by kind",
                "kind", kind.name().toLowerCase(), "class", kind.label).increment();
    }

    private final List<String> routeGauges = new ArrayList<>(); // the routes that have gauges

    /**
     * Gauges of each upstream route: available (1) or sitting out (0), and its consecutive failures.
     * Called again with each reloaded table: the gauges then read that one (a route gone has none).
     */
    public synchronized void routes(RouteTable routes) {
        for (String route : routeGauges) {
            registry.remove("gateway_upstream_route_available", "route", route);
            registry.remove("gateway_upstream_route_failures", "route", route);
        }
        routeGauges.clear();
        for (RouteTable.Status s : routes.status()) {
            String name = s.name();
            registry.gauge("gateway_upstream_route_available",
                    "Whether an upstream route takes new requests (0: sitting out its daily limit or a failure, or its trial in flight)",
                    () -> routeValue(routes, name, r -> r.available() ? 1.0 : 0.0), "route", name);
            registry.gauge("gateway_upstream_route_failures", "Consecutive failures of an upstream route",
                    () -> routeValue(routes, name, RouteTable.Status::failures), "route", name);
            routeGauges.add(name);
        }
    }

    /** A value of the route named {@code name} as the table has it now; 0 for a route it no longer has. */
    private static double routeValue(RouteTable routes, String name, ToDoubleFunction<RouteTable.Status> value) {
        return routes.status().stream().filter(r -> r.name().equals(name)).findFirst().map(value::applyAsDouble).orElse(0.0);
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
        return registry.counter("gateway_config_reloads", "Settings files re-read (SIGHUP or a change on disk), by outcome",
                "file", file, "outcome", outcome);
    }

    @Override
    public void routeChosen(String route) {
        routeAttempts.computeIfAbsent(route, r -> registry.counter("gateway_upstream_route_attempts", "Upstream attempts by route",
                "route", r)).increment();
    }

    /** A chat refused for its key's limit ({@code rpm}, {@code rpd}, {@code concurrency}); the key by name. */
    public void keyLimited(String key, String limit) {
        registry.counter("gateway_key_limited", "Chats refused for their key's limits", "key", key, "limit", limit).increment();
    }

    @Override
    public void toolCall() {
        toolCalls.increment();
    }

    @Override
    public void toolBlockAsText(String reason) {
        registry.counter("gateway_tool_blocks_as_text", "Would-be tool calls that were not valid calls, returned as text",
                "reason", reason).increment();
    }

    @Override
    public void textAfterCalls() {
        textAfterCalls.increment();
    }

    @Override
    public void sandboxRun(String key, String outcome) {
        registry.counter("gateway_sandbox_runs", "Code interpreter cells sent to a sandbox, by key and outcome",
                "key", key, "outcome", outcome).increment();
    }

    @Override
    public void retry() {
        retries.increment();
    }

    @Override
    public void completed(String model, long upstreamNanos, long firstTokenNanos) {
        latencies.computeIfAbsent(model, m -> histogram("gateway_upstream_latency_seconds", "Time from the request to the end of the upstream reply", m))
                .record(upstreamNanos);
        if (firstTokenNanos >= 0) {
            firstTokens.computeIfAbsent(model, m -> histogram("gateway_upstream_ttft_seconds", "Time from the request to the first reply text", m))
                    .record(firstTokenNanos);
        }
    }

    private Timer histogram(String name, String description, String model) {
        return registry.histogram(name, description, HISTOGRAM_MIN_NANOS, HISTOGRAM_MAX_NANOS, "model", model);
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }
}
