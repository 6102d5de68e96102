package dev.e2bgateway.core;

import dev.e2bgateway.upstream.UpstreamFailure;

/** What the core reports about upstream calls (metrics listen here). */
public interface UpstreamEvents {

    default void failure(UpstreamFailure.Kind kind) { }

    default void retry() { }

    /** One upstream call finished; times in nanoseconds, {@code firstTokenNanos} -1 if no text came. */
    default void completed(String model, long upstreamNanos, long firstTokenNanos) { }
}
