package dev.e2bgateway.state;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Shared route marks that no chat waits for: one daemon thread reads {@code shared} into a snapshot
 * every {@code refreshMillis} and writes marks in the order they came; {@link #marked()} answers
 * from the snapshot, {@link #sitOut} only queues. A Redis that hangs then costs a chat what a Redis
 * that is down costs: nothing but staler marks. While it cannot be read, the last snapshot stays
 * (a mark ends by its own time anyway); a mark it cannot take is kept and sent again with every
 * refresh until it can (Redis fails fast while {@link RedisConnection}'s breaker is open, so
 * nothing else would bring it there).
 */
public final class BackgroundRouteMarks implements RouteMarks, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BackgroundRouteMarks.class);

    private final RouteMarks shared;
    private final long refreshMillis;
    private final ScheduledThreadPoolExecutor worker;
    private volatile Map<String, Long> snapshot = Map.of();
    /** Marks not written yet, the newest per route; only the worker thread touches it. */
    private final Map<String, Long> unwritten = new LinkedHashMap<>();

    public BackgroundRouteMarks(RouteMarks shared, long refreshMillis) {
        this.shared = shared;
        this.refreshMillis = refreshMillis;
        this.worker = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "route-marks");
            t.setDaemon(true);
            return t;
        });
        worker.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Starts the refreshes: the first at once, then {@code refreshMillis} after each one ends. */
    public BackgroundRouteMarks start() {
        worker.scheduleWithFixedDelay(this::refresh, 0, refreshMillis, TimeUnit.MILLISECONDS);
        return this;
    }

    /** The marks not written yet, then one read of the shared marks into the snapshot; on the worker thread. */
    void refresh() {
        write();
        try {
            snapshot = Map.copyOf(shared.marked());
        } catch (StoreUnavailableException e) {
            log.debug("the routes' shared marks cannot be read: {}", e.getMessage());
        } catch (RuntimeException e) {
            log.warn("reading the routes' shared marks failed", e); // the schedule must go on
        }
    }

    @Override
    public void sitOut(String route, long untilMillis) {
        worker.execute(() -> {
            unwritten.put(route, untilMillis); // a newer mark of the route replaces one not written yet, as writing both in order would
            write();
        });
    }

    /**
     * Writes the marks not written yet, in the order they came; those Redis cannot take now wait for
     * the next refresh (at most one per route; a mark whose time is over by then does no harm, it
     * expires as it is written).
     */
    private void write() {
        for (Iterator<Map.Entry<String, Long>> it = unwritten.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Long> mark = it.next();
            try {
                shared.sitOut(mark.getKey(), mark.getValue());
                it.remove();
            } catch (StoreUnavailableException e) {
                log.debug("route {}'s daily limit is not shared yet, sent again with the next refresh: {}", mark.getKey(), e.getMessage());
                return;
            } catch (RuntimeException e) {
                log.warn("route {}'s daily limit is not shared with the other gateways: {}", mark.getKey(), e.getMessage());
                it.remove();
            }
        }
    }

    @Override
    public Map<String, Long> marked() {
        return snapshot;
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
