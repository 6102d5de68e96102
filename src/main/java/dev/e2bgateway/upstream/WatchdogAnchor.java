package dev.e2bgateway.upstream;

import okio.AsyncTimeout;

import java.util.concurrent.TimeUnit;

/**
 * Keeps Okio's timeout watchdog asleep while requests come and go. Every upstream socket read and
 * write with a timeout (the first-byte, idle and write timeouts) enters Okio's queue of timeouts;
 * one that becomes the queue's first wakes the watchdog thread so that it re-plans its sleep. With
 * one request at a time the queue is otherwise empty, so every write and every wait for an answer
 * was a thread hand-off: two per chat (docs/benchmarks.md). This timeout is always first: it falls
 * due within a second, sooner than any timeout the gateway sets, and when it does the watchdog
 * (the only thread it wakes, once a second) sets it again. Timeouts shorter than a second still
 * work: they only wake the watchdog as before.
 */
public final class WatchdogAnchor extends AsyncTimeout {

    private static final long PERIOD_MILLIS = 1_000;
    private static final WatchdogAnchor INSTANCE = new WatchdogAnchor();
    private static boolean started;

    private WatchdogAnchor() {
        timeout(PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Anchors the process's watchdog queue; the first call does it, later ones change nothing. */
    public static synchronized void start() {
        if (started) return;
        started = true;
        INSTANCE.enter();
    }

    /** Called on the watchdog thread when the second is up: leave the queue and join it again. */
    @Override
    protected void timedOut() {
        exit();
        enter();
    }
}
