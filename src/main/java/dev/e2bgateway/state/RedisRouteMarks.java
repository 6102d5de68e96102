package dev.e2bgateway.state;

import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link RouteMarks} in Redis: one key per route, expiring when the route's limit resets. Reads
 * the marks of the routes it was last given (a reloaded upstreams file names others); with one
 * route or none there is nothing to share and nothing is read.
 */
public final class RedisRouteMarks implements RouteMarks {

    private static final String PREFIX = "e2b:route:";

    private final RedisConnection connection;
    private final RedisClient redis;
    private volatile List<String> routes;

    public RedisRouteMarks(RedisConnection connection, List<String> routes) {
        this.connection = connection;
        this.redis = connection.client();
        this.routes = List.copyOf(routes);
    }

    /** The routes whose marks {@link #marked()} reads from now on. */
    public void routes(List<String> names) {
        this.routes = List.copyOf(names);
    }

    @Override
    public void sitOut(String route, long untilMillis) {
        connection.call("mark a route's daily limit", () ->
                redis.set(PREFIX + route, String.valueOf(untilMillis), SetParams.setParams().pxAt(untilMillis)));
    }

    @Override
    public Map<String, Long> marked() {
        List<String> routes = this.routes;
        if (routes.size() < 2) return Map.of();
        return connection.call("read the routes' daily limits", () -> {
            List<String> values = redis.mget(routes.stream().map(r -> PREFIX + r).toArray(String[]::new));
            Map<String, Long> out = new HashMap<>();
            for (int i = 0; i < routes.size(); i++) {
                if (values.get(i) != null) out.put(routes.get(i), Long.parseLong(values.get(i)));
            }
            return out;
        });
    }
}
