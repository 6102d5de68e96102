package dev.e2bgateway.api;

import dev.e2bgateway.core.InFlight;
import dev.e2bgateway.core.RouteTable;
import dev.e2bgateway.http.JsonResponses;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /health}, without a key: "ok", or 503 "draining" once shutdown has begun (a load
 * balancer stops sending traffic then); how many upstream routes are available or sitting out,
 * counted, never named; and which version of each settings file is in use (hashes and times
 * only, no paths, no names).
 */
public final class HealthEndpoint {

    /** The settings of the moment, as health shows them: the route table, and the files' versions (null: none). */
    public record Snapshot(RouteTable routes, Map<String, Object> config) {}

    private final InFlight inFlight;
    private final Supplier<Snapshot> settings; // read once per request: a reload swaps it
    private final JsonResponses json;

    public HealthEndpoint(InFlight inFlight, Supplier<Snapshot> settings, JsonResponses json) {
        this.inFlight = inFlight;
        this.settings = settings;
        this.json = json;
    }

    public void handle(Context ctx) {
        boolean draining = inFlight.draining();
        if (draining) ctx.status(503);
        Snapshot now = settings.get();
        long available = now.routes().status().stream().filter(RouteTable.Status::available).count();
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("status", draining ? "draining" : "ok");
        health.put("upstreams", Map.of("available", available, "sitting_out", now.routes().size() - available));
        if (now.config() != null) health.put("config", now.config());
        json.write(ctx, health);
    }
}
