package dev.e2bgateway.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chats in flight, for a graceful shutdown: once draining, new chats are refused, the ones
 * in flight get the grace period to finish, and whatever is left is cancelled with an error the
 * client sees (nothing is cut short silently).
 */
public final class InFlight {

    private static final Logger log = LoggerFactory.getLogger(InFlight.class);

    private final Set<Cancellation> active = ConcurrentHashMap.newKeySet();
    private volatile boolean draining;

    public void add(Cancellation chat) {
        active.add(chat);
    }

    public void remove(Cancellation chat) {
        active.remove(chat);
    }

    public int count() {
        return active.size();
    }

    public boolean draining() {
        return draining;
    }

    /**
     * Stops taking new chats, waits up to {@code grace} for the ones in flight, then cancels the
     * rest and waits up to {@code cancelWait} for them to tell their clients.
     */
    public void drain(Duration grace, Duration cancelWait) {
        draining = true;
        log.info("draining: {} chat(s) in flight, up to {} ms to finish", active.size(), grace.toMillis());
        if (!awaitEmpty(grace)) {
            log.warn("grace period over: cancelling {} chat(s) with a shutdown error", active.size());
            active.forEach(Cancellation::cancelForShutdown);
            awaitEmpty(cancelWait);
        }
    }

    private boolean awaitEmpty(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!active.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return active.isEmpty();
            }
        }
        return active.isEmpty();
    }
}
