package dev.e2bgateway.http;

import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.util.concurrent.Executor;

/**
 * The threads that run requests: a pool of platform threads first and, on Java 21+, a virtual
 * thread for each request that finds every one of them busy (E2B_VIRTUAL_THREADS, on by default).
 *
 * <p>Platform threads first because a request costs less on one: its blocking reads (the next
 * request on the connection, the upstream's answer) are system calls the kernel wakes it from,
 * where a virtual thread's go through the JDK's poller thread and back to a carrier thread, and
 * Jetty's selector would run on a virtual thread too. Measured: a third less CPU per chat at one
 * connection, the same at 32 (docs/benchmarks.md). Virtual threads beyond the pool because a
 * thousand open streams need a thousand threads at once: a virtual one costs a few kilobytes,
 * and without them the thousandth stream would wait in a queue for one of the first to end.
 */
public final class HandlerThreads extends QueuedThreadPool {

    /** Javalin's own numbers for its platform pool. */
    public static final int MAX_THREADS = 250;
    private static final int MIN_THREADS = 8;
    private static final int IDLE_MILLIS = 60_000;

    private final Executor overflow;

    /** @param overflow where a job goes when every pool thread is busy, or null to queue it (no virtual threads) */
    HandlerThreads(int maxThreads, Executor overflow) {
        super(maxThreads, Math.min(MIN_THREADS, maxThreads), IDLE_MILLIS);
        this.overflow = overflow;
        setName("jetty");
    }

    /** The gateway's pool: with virtual threads beyond it when {@code virtualThreads} is on and the JVM has them. */
    public static HandlerThreads of(boolean virtualThreads) {
        return new HandlerThreads(MAX_THREADS, virtualThreads ? VirtualThreads.getDefaultVirtualThreadsExecutor() : null);
    }

    /** Whether requests beyond the pool run on virtual threads. */
    public boolean overflows() {
        return overflow != null;
    }

    @Override
    public void execute(Runnable job) {
        // Racy by design: two jobs may both see the last idle thread, and one then waits in the
        // queue until a thread is free, as every job did before; none is lost.
        if (overflow != null && getIdleThreads() == 0 && getThreads() >= getMaxThreads()) {
            overflow.execute(job);
        } else {
            super.execute(job);
        }
    }
}
