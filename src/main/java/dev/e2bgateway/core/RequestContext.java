package dev.e2bgateway.core;

import dev.e2bgateway.error.ApiError;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One request's identity, timings and cancellation. Cancelling it (the client hung up)
 * runs the registered hook at once, which cancels the upstream call in whatever phase it is.
 */
public final class RequestContext {

    private final String requestId;
    private final long startNanos = System.nanoTime();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition cancelledCondition = lock.newCondition();
    private boolean cancelled;
    private volatile boolean shutdown;
    private Runnable onCancel = () -> { };
    private volatile long upstreamNanos = -1;
    private volatile long firstTokenNanos = -1;
    private volatile int attempts;

    public RequestContext(String requestId) {
        this.requestId = requestId;
    }

    public String requestId() {
        return requestId;
    }

    /** Cancels the request because the gateway is shutting down: the client is told so. */
    public void cancelForShutdown() {
        shutdown = true;
        cancel();
    }

    /**
     * The failure to report once the request was cancelled: a shutdown is an error the client
     * sees (503, or an in-band error event); a client that left just ends the work.
     */
    public IOException cancellation(Throwable cause) {
        if (shutdown) throw ApiError.unavailable("The gateway is shutting down; retry the request.");
        return new ClientGoneException(cause);
    }

    /** Cancels the request: runs the current hook once. Safe from any thread. */
    public void cancel() {
        Runnable hook;
        lock.lock();
        try {
            if (cancelled) return;
            cancelled = true;
            hook = onCancel;
            cancelledCondition.signalAll();
        } finally {
            lock.unlock();
        }
        hook.run();
    }

    public boolean cancelled() {
        lock.lock();
        try {
            return cancelled;
        } finally {
            lock.unlock();
        }
    }

    /** Sets what cancelling does now (cancel this upstream call); runs it at once if already cancelled. */
    public void onCancel(Runnable hook) {
        lock.lock();
        try {
            onCancel = hook;
            if (!cancelled) return;
        } finally {
            lock.unlock();
        }
        hook.run();
    }

    /** Sleeps for a backoff; returns false at once if the request is cancelled meanwhile. */
    public boolean sleep(long millis) {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
            while (!cancelled && nanos > 0) nanos = cancelledCondition.awaitNanos(nanos);
            return !cancelled;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    void upstreamDone() {
        upstreamNanos = System.nanoTime() - startNanos;
    }

    void firstToken() {
        if (firstTokenNanos < 0) firstTokenNanos = System.nanoTime() - startNanos;
    }

    void attempt(int n) {
        attempts = n;
    }

    /** Nanoseconds from the start of the request until the upstream body ended, or -1. */
    public long upstreamNanos() {
        return upstreamNanos;
    }

    /** Nanoseconds from the start of the request to the first reply text, or -1. */
    public long firstTokenNanos() {
        return firstTokenNanos;
    }

    /** Milliseconds from the start of the request until the upstream body ended, or -1. */
    public long upstreamMillis() {
        return upstreamNanos < 0 ? -1 : upstreamNanos / 1_000_000;
    }

    public int attempts() {
        return attempts;
    }
}
