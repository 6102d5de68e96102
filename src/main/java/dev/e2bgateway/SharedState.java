package dev.e2bgateway;

import dev.e2bgateway.config.Config;
import dev.e2bgateway.state.BackgroundRouteMarks;
import dev.e2bgateway.state.Counters;
import dev.e2bgateway.state.Leases;
import dev.e2bgateway.state.MemoryCounters;
import dev.e2bgateway.state.MemoryLeases;
import dev.e2bgateway.state.MemoryResponseStore;
import dev.e2bgateway.state.RedisConnection;
import dev.e2bgateway.state.RedisCounters;
import dev.e2bgateway.state.RedisLeases;
import dev.e2bgateway.state.RedisResponseStore;
import dev.e2bgateway.state.RedisRouteMarks;
import dev.e2bgateway.state.ResponseStore;
import dev.e2bgateway.state.RouteMarks;
import dev.e2bgateway.state.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * What the gateways of a fleet share: stored responses, the keys' counts and slots, and the routes' daily
 * limits. Chosen once from E2B_REDIS_URL: all in one Redis (shared by every gateway behind a
 * load balancer), or all in this process's memory (route marks then stay in each route table).
 */
final class SharedState implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SharedState.class);

    private final ResponseStore responses;
    private final Counters counters;
    private final Leases leases;
    private final RedisConnection redis; // null: memory
    private final RedisRouteMarks redisMarks;
    private final BackgroundRouteMarks marks;

    private SharedState(ResponseStore responses, Counters counters, Leases leases, RedisConnection redis, RedisRouteMarks redisMarks,
                        BackgroundRouteMarks marks) {
        this.responses = responses;
        this.counters = counters;
        this.leases = leases;
        this.redis = redis;
        this.redisMarks = redisMarks;
        this.marks = marks;
    }

    /**
     * Memory, or Redis when E2B_REDIS_URL is set. A Redis that does not answer at startup does not
     * stop the gateway: requests that need it get a 503 until it does.
     */
    static SharedState from(Config.Responses settings, LongSupplier clock) {
        if (settings.redisUrl() == null) {
            ResponseStore memory = new MemoryResponseStore(settings.maxStored(), settings.maxStoredBytes(), settings.ttl(), clock);
            log.info("stored responses: {}", memory.description());
            return new SharedState(memory, new MemoryCounters(clock), new MemoryLeases(), null, null, null);
        }
        RedisConnection redis = new RedisConnection(settings.redisUrl());
        ResponseStore responses = new RedisResponseStore(redis, settings.ttl());
        log.info("stored responses: {}, E2B_REDIS_URL={}", responses.description(), settings.describeRedis());
        try {
            responses.check();
        } catch (StoreUnavailableException e) {
            log.warn("{} Until it answers, requests that store responses or continue them get 503.", e.getMessage());
        }
        // Shared route marks are read into a snapshot and written by a thread of their own: no chat
        // waits for Redis to pick a route. One reader for the process; a reload only renames what it reads.
        RedisRouteMarks redisMarks = new RedisRouteMarks(redis, List.of());
        return new SharedState(responses, new RedisCounters(redis), new RedisLeases(redis), redis, redisMarks,
                new BackgroundRouteMarks(redisMarks, 1_000).start());
    }

    /** Stored responses of the Responses API. */
    ResponseStore responses() {
        return responses;
    }

    /** The keys' request and token counts. */
    Counters counters() {
        return counters;
    }

    /** The leases that hold the keys' slots of chats at once. */
    Leases leases() {
        return leases;
    }

    /** Where the routes {@code names} mark a daily limit for the other gateways ({@link RouteMarks#NONE}: nowhere). */
    RouteMarks marks(List<String> names) {
        if (marks == null) return RouteMarks.NONE;
        redisMarks.routes(names);
        return marks;
    }

    @Override
    public void close() {
        responses.close();
        if (marks != null) marks.close();
        if (redis != null) redis.close();
    }
}
