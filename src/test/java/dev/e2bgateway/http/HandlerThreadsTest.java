package dev.e2bgateway.http;

import dev.e2bgateway.support.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The request threads: a job that finds every pool thread busy runs at once on the overflow
 * executor (virtual threads in the gateway; plain threads here, so the test runs on Java 17 too),
 * and waits in the queue when there is none.
 */
class HandlerThreadsTest {

    private static final int MAX = 3;

    private final List<HandlerThreads> pools = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        for (HandlerThreads pool : pools) pool.stop();
    }

    @Test
    void aJobBeyondTheBusyPoolRunsOnTheOverflowAtOnce() throws Exception {
        AtomicInteger overflowed = new AtomicInteger();
        Executor overflow = job -> {
            overflowed.incrementAndGet();
            new Thread(job, "overflow").start();
        };
        HandlerThreads pool = saturated(overflow);

        CountDownLatch ran = new CountDownLatch(1);
        pool.execute(ran::countDown);

        assertTrue(ran.await(10, TimeUnit.SECONDS), "the job ran while every pool thread was still busy");
        assertEquals(1, overflowed.get());
        assertEquals(0, pool.getQueueSize());
    }

    @Test
    void withoutAnOverflowTheJobWaitsForAPoolThread() throws Exception {
        HandlerThreads pool = saturated(null);

        CountDownLatch ran = new CountDownLatch(1);
        pool.execute(ran::countDown);

        assertEquals(1, pool.getQueueSize(), "queued behind the busy threads");
        assertEquals(1, ran.getCount());
        release.countDown();
        assertTrue(ran.await(10, TimeUnit.SECONDS), "run once a thread was free");
    }

    @Test
    void jobsGoToThePoolWhileItHasRoom() throws Exception {
        AtomicInteger overflowed = new AtomicInteger();
        HandlerThreads pool = started(job -> {
            overflowed.incrementAndGet();
            new Thread(job).start();
        });
        CountDownLatch ran = new CountDownLatch(MAX - 1);
        for (int i = 0; i < MAX - 1; i++) pool.execute(ran::countDown);
        assertTrue(ran.await(10, TimeUnit.SECONDS));
        assertEquals(0, overflowed.get());
    }

    /** A started pool of {@link #MAX} threads, every one of them held by a job until the test ends. */
    private HandlerThreads saturated(Executor overflow) throws Exception {
        HandlerThreads pool = started(overflow);
        CountDownLatch holding = new CountDownLatch(MAX);
        for (int i = 0; i < MAX; i++) {
            pool.execute(() -> {
                holding.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        assertTrue(holding.await(10, TimeUnit.SECONDS), "every pool thread took a job");
        Poll.until("no idle pool thread", Duration.ofSeconds(10), () -> pool.getIdleThreads() == 0 && pool.getThreads() == MAX);
        return pool;
    }

    private HandlerThreads started(Executor overflow) throws Exception {
        HandlerThreads pool = new HandlerThreads(MAX, overflow);
        pool.setReservedThreads(0); // every thread takes jobs, so "all busy" is exactly MAX jobs
        pools.add(pool);
        pool.start();
        return pool;
    }
}
