package dev.e2bgateway.core;

/** Waits out a backoff. Injected so tests can see the delays without waiting them. */
@FunctionalInterface
public interface Sleeper {

    /** Waits {@code millis}; returns false if {@code cancellation} fired meanwhile. */
    boolean sleep(long millis, Cancellation cancellation);

    /** A real wait that a cancellation cuts short. */
    Sleeper CANCELLABLE = (millis, cancellation) -> cancellation.sleep(millis);
}
