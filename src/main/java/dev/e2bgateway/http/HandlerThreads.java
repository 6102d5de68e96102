package dev.e2bgateway.http;

import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The threads that run requests. Jetty's own pool of platform threads always: its selector and
 * acceptor run there, and on Java 17 (or with E2B_VIRTUAL_THREADS=false) the requests too, 250 at
 * most at once. On Java 21+ each request's handler runs on a virtual thread of its own instead, so
 * a thousand open streams are a thousand cheap threads, not a queue.
 *
 * <p>Jetty hands the handlers to virtual threads itself and keeps its selector on a platform
 * thread. Javalin's own option for virtual threads ran everything on them, the selector included,
 * whose blocking select holds a carrier thread so that the scheduler adds another: measured, 10 %
 * more CPU per short chat at 32 connections and 15-20 % more at one (docs/benchmarks.md).
 * Platform threads alone cost less than either with one request at a time (a blocking read is a
 * system call the kernel wakes the thread from, not a hop through the JDK's poller and a carrier
 * thread) and more with a few dozen at once (as many threads for the OS to schedule on the cores,
 * where virtual threads share one carrier a core).
 */
public final class HandlerThreads {

    /** Javalin's own numbers for its platform pool. */
    public static final int MAX_THREADS = 250;
    private static final int MIN_THREADS = 8;
    private static final int IDLE_MILLIS = 60_000;

    private HandlerThreads() {
    }

    /** The gateway's pool: handlers on virtual threads when {@code virtualThreads} is on and the JVM has them. */
    public static QueuedThreadPool of(boolean virtualThreads) {
        QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, MIN_THREADS, IDLE_MILLIS);
        pool.setName("jetty");
        // Null on Java 17: Jetty then runs the handlers on the pool's own threads.
        if (virtualThreads) pool.setVirtualThreadsExecutor(VirtualThreads.getDefaultVirtualThreadsExecutor());
        return pool;
    }
}
