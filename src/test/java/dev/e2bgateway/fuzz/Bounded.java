package dev.e2bgateway.fuzz;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one fuzz input on a worker thread with a deadline, so a parser that hangs fails the
 * property instead of the build. Workers are plain platform threads with the default stack,
 * like the gateway's request threads, so a recursion too deep for production is too deep here.
 */
final class Bounded {

    /** What a run did: returned {@code value}, threw {@code thrown}, or neither in time. */
    record Outcome<T>(T value, Throwable thrown, boolean timedOut, long nanos) {}

    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fuzz-worker");
        t.setDaemon(true); // a hung parse must not keep the test JVM alive
        return t;
    });

    private Bounded() {
    }

    static <T> Outcome<T> run(Callable<T> work, Duration limit) {
        long start = System.nanoTime();
        Future<T> future = WORKERS.submit(work);
        try {
            T value = future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return new Outcome<>(value, null, false, System.nanoTime() - start);
        } catch (ExecutionException e) {
            return new Outcome<>(null, e.getCause(), false, System.nanoTime() - start);
        } catch (TimeoutException e) {
            future.cancel(true);
            return new Outcome<>(null, null, true, System.nanoTime() - start);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
