package dev.e2bgateway.core;

import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.upstream.CancelHook;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The cancellation token of one chat. Cancelling it (the client hung up, or the gateway is
 * shutting down) runs the registered hook at once, which stops the upstream call in whatever
 * phase it is, and wakes a backoff sleep.
 */
public final class Cancellation implements CancelHook {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition cancelledCondition = lock.newCondition();
    private boolean cancelled;
    private volatile boolean shutdown;
    private Runnable onCancel = () -> { };

    /** Cancels because the gateway is shutting down: the client is told so. */
    public void cancelForShutdown() {
        shutdown = true;
        cancel();
    }

    /** Cancels: runs the current hook once. Safe from any thread. */
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

    @Override
    public boolean cancelled() {
        lock.lock();
        try {
            return cancelled;
        } finally {
            lock.unlock();
        }
    }

    @Override
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

    /**
     * What ends the work once cancelled, for the caller to throw: a shutdown is an error the
     * client sees (503, or an in-band error event); a client that left just ends the work.
     */
    public RuntimeException outcome() {
        if (shutdown) return ApiError.unavailable("The gateway is shutting down; retry the request.");
        return new ClientGoneException();
    }

    /** Waits up to {@code millis}; returns false at once if cancelled meanwhile. */
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
}
