package dev.e2bgateway.state;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Shared route marks that no chat waits for: one daemon thread reads {@code shared} into a snapshot
 * every {@code refreshMillis} and writes marks in the order they came; {@link #marked()} answers
 * from the snapshot, {@link #sitOut} only queues. A Redis that hangs then costs a chat what a Redis
 * that is down costs: nothing but staler marks. While it cannot be read, the last snapshot stays
 * (a mark ends by its own time anyway).
 */
public final class BackgroundRouteMarks implements RouteMarks, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BackgroundRouteMarks.class);

    private final RouteMarks shared;
    private final long refreshMillis;
    private final ScheduledThreadPoolExecutor worker;
    private volatile Map<String, Long> snapshot = Map.of();

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

    /** One read of the shared marks into the snapshot; on the worker thread. */
    void refresh() {
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
            try {
                shared.sitOut(route, untilMillis);
            } catch (RuntimeException e) {
                log.warn("route {}'s daily limit is not shared with the other gateways: {}", route, e.getMessage());
            }
        });
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
