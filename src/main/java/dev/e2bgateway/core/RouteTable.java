package dev.e2bgateway.core;

import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.store.RouteMarks;
import dev.e2bgateway.store.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.e2bgateway.upstream.UpstreamFailure;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The upstream routes and what each is doing: requests go round the available ones by weight
 * (smooth weighted round robin); a route that met the host's daily limit sits out until its
 * reset; one that failed to connect, timed out before its first byte or answered 502/503/529/52x
 * sits out for a short, growing interval, then gets one trial request (a circuit breaker).
 * With a single route nothing sits out: it behaves exactly as a gateway without routes.
 */
public final class RouteTable {

    private static final Logger log = LoggerFactory.getLogger(RouteTable.class);
    private static final long BREAK_BASE_MILLIS = 1_000;
    private static final long BREAK_MAX_MILLIS = 60_000;

    /** What a route is doing now, for /metrics and the upstreams endpoint. */
    public record Status(String name, int weight, boolean available, long sittingOutUntil, String reason, int failures) {}

    private static final class State {
        final Route route;
        int current; // smooth weighted round robin
        long until;  // sitting out until (Unix ms), 0: not
        String reason = "";
        int failures;
        boolean trial;

        State(Route route) {
            this.route = route;
        }
    }

    private static final long MARKS_FRESH_MILLIS = 1_000;

    private final List<State> states = new ArrayList<>();
    private final LongSupplier clock;
    private final RouteMarks marks;
    private long marksReadAt; // 0: never (Unix ms)

    /** @param marks where daily limits are shared with other gateways ({@link RouteMarks#NONE}: nowhere) */
    public RouteTable(List<Route> routes, LongSupplier clock, RouteMarks marks) {
        if (routes.isEmpty()) throw new IllegalArgumentException("at least one route");
        routes.forEach(r -> states.add(new State(r)));
        this.clock = clock;
        this.marks = marks;
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
        RouteTable next = new RouteTable(routes, clock, marks);
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

    /** What other gateways learnt of the routes' daily limits, read at most once a second. */
    private void readMarks(long now) {
        if (marks == RouteMarks.NONE || now - marksReadAt < MARKS_FRESH_MILLIS) return;
        marksReadAt = now;
        try {
            marks.marked().forEach((name, until) -> {
                for (State s : states) {
                    if (s.route.name().equals(name) && until > s.until) {
                        s.until = until;
                        s.reason = "daily_limit";
                    }
                }
            });
        } catch (StoreUnavailableException e) {
            log.debug("the routes' shared marks cannot be read: {}", e.getMessage());
        }
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
    public synchronized Route pick(Set<Route> excluded) {
        long now = clock.getAsLong();
        if (states.size() == 1) return states.get(0).route;
        readMarks(now);
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
            if (best.failures > 0) best.trial = true; // the break is over: this one is its trial
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
            breaking.trial = true;
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
        return !(s.trial && s.failures > 0); // one trial at a time after a break
    }

    /** The route answered: its breaker closes. */
    public synchronized void succeeded(Route route) {
        State s = state(route);
        s.failures = 0;
        s.until = 0;
        s.reason = "";
        s.trial = false;
    }

    /** The route failed in a way that says something about the route itself. */
    public synchronized void failed(Route route, UpstreamFailure failure) {
        if (states.size() == 1) return;
        State s = state(route);
        long now = clock.getAsLong();
        s.trial = false;
        switch (failure.kind()) {
            case RATE_LIMIT_DAILY -> {
                s.until = failure.retryAtMillis() != null && failure.retryAtMillis() > now ? failure.retryAtMillis() : now + 3_600_000;
                s.reason = "daily_limit";
                try {
                    marks.sitOut(s.route.name(), s.until);
                } catch (StoreUnavailableException e) {
                    log.warn("route {}'s daily limit is not shared with the other gateways: {}", s.route.name(), e.getMessage());
                }
            }
            case CONNECT, FIRST_BYTE_TIMEOUT, OVERLOADED, EDGE_PAGE, BAD_STATUS -> {
                if (!failure.retryable()) return; // a status that says nothing about the route
                s.failures++;
                s.until = now + Math.min(BREAK_MAX_MILLIS, BREAK_BASE_MILLIS << Math.min(s.failures - 1, 10));
                s.reason = "failing";
            }
            default -> { }
        }
    }

    public synchronized List<Status> status() {
        long now = clock.getAsLong();
        List<Status> out = new ArrayList<>();
        for (State s : states) {
            boolean sitting = s.until > now;
            // A route that failed stays "failing" until a success, also while its trial is due.
            String reason = sitting ? s.reason : s.failures > 0 ? "failing" : "";
            out.add(new Status(s.route.name(), s.route.weight(), !sitting, sitting ? s.until : 0, reason, s.failures));
        }
        return out;
    }

    private State state(Route route) {
        for (State s : states) if (s.route == route) return s;
        throw new IllegalArgumentException("not a route of this table: " + route.name());
    }
}
