package dev.e2bgateway.core;

import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.state.RouteMarks;
import dev.e2bgateway.state.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.e2bgateway.upstream.UpstreamFailure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The upstream routes and what each is doing: requests go round the available ones by weight
 * (smooth weighted round robin); a route that met the host's daily limit sits out until its
 * reset; one that failed to connect, timed out before its first byte or answered 502/503/529/52x
 * sits out for a short, growing interval, then gets one trial request (a circuit breaker).
 * With a single route nothing sits out: it behaves exactly as a gateway without routes.
 *
 * <p>A trial is released on every way a request can end ({@link #succeeded}, {@link #failed},
 * {@link #released} when its client hung up first), and it is also a deadline: a trial that has
 * told nothing after {@code trialMillis} (the connect plus the first-byte timeout) counts as
 * failed, so no lost request can hold a route out of rotation for good.
 *
 * <p>Nothing here waits for Redis: the shared marks are read from {@link RouteMarks#marked()}
 * (in the gateway a snapshot refreshed in the background) before the lock is taken, and a mark is
 * written after it is released.
 */
public final class RouteTable {

    private static final Logger log = LoggerFactory.getLogger(RouteTable.class);
    private static final long BREAK_BASE_MILLIS = 1_000;
    private static final long BREAK_MAX_MILLIS = 60_000;

    /**
     * What a route is doing now, for /metrics, /health and the upstreams endpoint.
     *
     * @param available whether it gets new requests now: not sitting out and no trial of it in flight
     * @param trial     whether its one trial request after a break is in flight
     */
    public record Status(String name, int weight, boolean available, long sittingOutUntil, String reason, int failures,
                         boolean trial) {}

    private static final class State {
        final Route route;
        int current; // smooth weighted round robin
        long until;  // sitting out until (Unix ms), 0: not
        String reason = "";
        int failures;
        long trialSince; // when its trial request was picked (Unix ms), 0: no trial in flight

        State(Route route) {
            this.route = route;
        }
    }

    /** A trial's deadline when none is given: the default connect (10 s) plus first-byte (120 s) timeouts. */
    static final long DEFAULT_TRIAL_MILLIS = 130_000;

    private final List<State> states = new ArrayList<>();
    private final LongSupplier clock;
    private final RouteMarks marks;
    private final long trialMillis;

    /**
     * @param marks       where daily limits are shared with other gateways ({@link RouteMarks#NONE}: nowhere);
     *                    {@link RouteMarks#marked()} is called on every pick, so it must answer from memory
     * @param trialMillis how long a trial request may go without a verdict before it counts as failed
     */
    public RouteTable(List<Route> routes, LongSupplier clock, RouteMarks marks, long trialMillis) {
        if (routes.isEmpty()) throw new IllegalArgumentException("at least one route");
        if (trialMillis <= 0) throw new IllegalArgumentException("trialMillis must be positive");
        routes.forEach(r -> states.add(new State(r)));
        this.clock = clock;
        this.marks = marks;
        this.trialMillis = trialMillis;
    }

    public RouteTable(List<Route> routes, LongSupplier clock, RouteMarks marks) {
        this(routes, clock, marks, DEFAULT_TRIAL_MILLIS);
    }

    public RouteTable(List<Route> routes, LongSupplier clock) {
        this(routes, clock, RouteMarks.NONE);
    }

    /**
     * The table for a reloaded upstreams file: a route with the same name and URL as one of this
     * table keeps what this table knows of it (its breaker, its daily limit), a new one starts
     * afresh. A trial in flight stays this table's: its outcome lands here, so the successor may
     * run a trial of its own.
     */
    public synchronized RouteTable successor(List<Route> routes, RouteMarks marks) {
        RouteTable next = new RouteTable(routes, clock, marks, trialMillis);
        for (State s : next.states) {
            for (State old : states) {
                if (old.route.name().equals(s.route.name()) && old.route.client().baseUrl().equals(s.route.client().baseUrl())) {
                    s.until = old.until;
                    s.reason = old.reason;
                    s.failures = old.failures;
                }
            }
        }
        return next;
    }

    /** What other gateways learnt of the routes' daily limits; called before the lock is taken. */
    private Map<String, Long> sharedMarks() {
        if (marks == RouteMarks.NONE) return Map.of();
        try {
            return marks.marked();
        } catch (StoreUnavailableException e) {
            log.debug("the routes' shared marks cannot be read: {}", e.getMessage());
            return Map.of();
        }
    }

    private void apply(Map<String, Long> shared) {
        shared.forEach((name, until) -> {
            for (State s : states) {
                if (s.route.name().equals(name) && until > s.until) {
                    s.until = until;
                    s.reason = "daily_limit";
                }
            }
        });
    }

    /** A trial that has told nothing for {@code trialMillis} failed: the route takes its next, longer break. */
    private void expireTrials(long now) {
        for (State s : states) {
            if (s.trialSince == 0 || now - s.trialSince < trialMillis) continue;
            long expiredAt = s.trialSince + trialMillis;
            s.trialSince = 0;
            breakFor(s, expiredAt);
            log.info("route {}'s trial request told nothing in {} ms: counted as failed", s.route.name(), trialMillis);
        }
    }

    private static void breakFor(State s, long now) {
        s.failures++;
        s.until = now + Math.min(BREAK_MAX_MILLIS, BREAK_BASE_MILLIS << Math.min(s.failures - 1, 10));
        s.reason = "failing";
    }

    public int size() {
        return states.size();
    }

    public Route first() {
        return states.get(0).route;
    }

    public List<Route> all() {
        return states.stream().map(s -> s.route).toList();
    }

    /**
     * The next route for a request, skipping {@code excluded}. Sitting-out routes are skipped
     * while another is available; when every route not excluded is breaking, the one whose
     * break ends first gets a trial.
     *
     * @throws ApiError 429 when every route left has met its daily limit (Retry-After: the soonest reset)
     */
    public Route pick(Set<Route> excluded) {
        if (states.size() == 1) return states.get(0).route;
        Map<String, Long> shared = sharedMarks();
        synchronized (this) {
            long now = clock.getAsLong();
            apply(shared);
            expireTrials(now);
            return pick(excluded, now);
        }
    }

    private Route pick(Set<Route> excluded, long now) {
        State best = null;
        int total = 0;
        for (State s : states) {
            if (excluded.contains(s.route) || !available(s, now)) continue;
            s.current += s.route.weight();
            total += s.route.weight();
            if (best == null || s.current > best.current) best = s;
        }
        if (best != null) {
            best.current -= total;
            if (best.failures > 0) best.trialSince = Math.max(now, 1); // the break is over: this one is its trial (0: none)
            return best.route;
        }
        State breaking = null;
        long soonestReset = Long.MAX_VALUE;
        for (State s : states) {
            boolean limited = s.reason.equals("daily_limit") && s.until > now;
            if (limited) soonestReset = Math.min(soonestReset, s.until);
            else if (!excluded.contains(s.route) && (breaking == null || s.until < breaking.until)) breaking = s;
        }
        if (breaking != null) {
            if (breaking.trialSince == 0) breaking.trialSince = Math.max(now, 1);
            return breaking.route;
        }
        long resetAt = soonestReset == Long.MAX_VALUE ? now + 60_000 : soonestReset;
        long seconds = Math.max(1, (resetAt - now + 999) / 1000);
        throw new ApiError(ApiError.Kind.RATE_LIMITED, null, "rate_limit_exceeded",
                "Every upstream route has reached the host's daily request limit. Try again " + Later.in(resetAt, now) + ".",
                false, seconds);
    }

    private static boolean available(State s, long now) {
        if (s.until > now) return false;
        return !(s.trialSince != 0 && s.failures > 0); // one trial at a time after a break
    }

    /** The route answered: its breaker closes. */
    public synchronized void succeeded(Route route) {
        State s = state(route);
        s.failures = 0;
        s.until = 0;
        s.reason = "";
        s.trialSince = 0;
    }

    /**
     * The request on {@code route} ended with no verdict on the route (its client hung up before the
     * first byte, say): a trial it held is released, so the next request is the route's trial.
     * Which request held the trial is not tracked: at worst a second trial goes out early.
     */
    public synchronized void released(Route route) {
        state(route).trialSince = 0;
    }

    /** The route failed in a way that says something about the route itself. */
    public void failed(Route route, UpstreamFailure failure) {
        if (states.size() == 1) return;
        long sitOutUntil = 0;
        synchronized (this) {
            State s = state(route);
            long now = clock.getAsLong();
            s.trialSince = 0;
            switch (failure.kind()) {
                case RATE_LIMIT_DAILY -> {
                    s.until = failure.retryAtMillis() != null && failure.retryAtMillis() > now ? failure.retryAtMillis() : now + 3_600_000;
                    s.reason = "daily_limit";
                    sitOutUntil = s.until;
                }
                case CONNECT, FIRST_BYTE_TIMEOUT, OVERLOADED, EDGE_PAGE, BAD_STATUS -> {
                    if (failure.retryable()) breakFor(s, now); // else a status that says nothing about the route
                }
                default -> { }
            }
        }
        if (sitOutUntil == 0) return;
        try {
            marks.sitOut(route.name(), sitOutUntil); // outside the lock: in the gateway it only queues the write
        } catch (StoreUnavailableException e) {
            log.warn("route {}'s daily limit is not shared with the other gateways: {}", route.name(), e.getMessage());
        }
    }

    public List<Status> status() {
        Map<String, Long> shared = sharedMarks();
        synchronized (this) {
            apply(shared);
            return status(clock.getAsLong());
        }
    }

    private List<Status> status(long now) {
        expireTrials(now);
        List<Status> out = new ArrayList<>();
        for (State s : states) {
            boolean sitting = s.until > now;
            boolean trial = s.trialSince != 0 && s.failures > 0;
            // A route that failed stays "failing" until a success, also while its trial is due.
            String reason = sitting ? s.reason : trial ? "trial" : s.failures > 0 ? "failing" : "";
            out.add(new Status(s.route.name(), s.route.weight(), !sitting && !trial, sitting ? s.until : 0, reason, s.failures, trial));
        }
        return out;
    }

    private State state(Route route) {
        for (State s : states) if (s.route == route) return s;
        throw new IllegalArgumentException("not a route of this table: " + route.name());
    }
}
