package dev.e2bgateway.http;

import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Handlers on virtual threads exactly when asked for and the JVM has them; the pool's own threads stay platform threads. */
class HandlerThreadsTest {

    @Test
    void virtualThreadsForHandlersWhenTheJvmHasThem() throws Exception {
        QueuedThreadPool pool = HandlerThreads.of(true);
        pool.start();
        try {
            assertEquals(VirtualThreads.areSupported(), pool.getVirtualThreadsExecutor() != null);
            assertEquals(HandlerThreads.MAX_THREADS, pool.getMaxThreads());
            CompletableFuture<Boolean> virtual = new CompletableFuture<>();
            pool.execute(() -> virtual.complete(VirtualThreads.isVirtualThread()));
            assertFalse(virtual.get(10, TimeUnit.SECONDS), "the pool's own jobs (the selector's) run on platform threads");
        } finally {
            pool.stop();
        }
    }

    @Test
    void platformThreadsOnlyWhenSwitchedOff() {
        assertNull(HandlerThreads.of(false).getVirtualThreadsExecutor());
    }
}
