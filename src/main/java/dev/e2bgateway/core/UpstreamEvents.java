package dev.e2bgateway.core;

import dev.e2bgateway.upstream.UpstreamFailure;

/** What the core reports about upstream calls (metrics listen here). */
public interface UpstreamEvents {

    default void failure(UpstreamFailure.Kind kind) { }

    default void retry() { }

    /** An attempt goes to this route. */
    default void routeChosen(String route) { }

    /** The model made a tool call. */
    default void toolCall() { }

    /** A would-be tool call could not become a valid call and was shown as text; {@code reason} in lower case. */
    default void toolBlockAsText(String reason) { }

    /** Text the model wrote after its tool calls was not shown (the call format drops it). */
    default void textAfterCalls() { }

    /** A code interpreter cell was sent to a sandbox; {@code outcome} as {@code SandboxRun.Outcome#label}. */
    default void sandboxRun(String key, String outcome) { }

    /** One upstream call finished; times in nanoseconds, {@code firstTokenNanos} -1 if no text came. */
    default void completed(String model, long upstreamNanos, long firstTokenNanos) { }
}
