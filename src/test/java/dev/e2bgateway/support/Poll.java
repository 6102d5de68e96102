package dev.e2bgateway.support;

import java.time.Duration;

/** Waiting for a condition another process or thread brings about, with a deadline instead of a guessed sleep. */
public final class Poll {

    /** How long to wait between two looks; short, so a met condition is noticed at once. */
    private static final long INTERVAL_MILLIS = 20;

    /** A condition; it may throw an AssertionError to fail at once on something that will not get better. */
    @FunctionalInterface
    public interface Condition {
        boolean met() throws Exception;
    }

    private Poll() {
    }

    /** Checks {@code condition} until it is met; fails naming {@code what} if it is not within {@code within}. */
    public static void until(String what, Duration within, Condition condition) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.met()) {
            if (System.nanoTime() - deadline > 0) throw new AssertionError("not within " + within.toMillis() + " ms: " + what);
            Thread.sleep(INTERVAL_MILLIS);
        }
    }
}
