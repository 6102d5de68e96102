package dev.e2bgateway.core;

/**
 * What one chat's log line and metrics report: its request id, how many upstream attempts it
 * took, and when the upstream's first reply text and the end of its body arrived.
 */
public final class ChatTrace {

    private final String requestId;
    private final long startNanos = System.nanoTime();
    private volatile long upstreamNanos = -1;
    private volatile long firstTokenNanos = -1;
    private volatile int attempts;
    private volatile String route;

    public ChatTrace(String requestId) {
        this.requestId = requestId;
    }

    public String requestId() {
        return requestId;
    }

    void upstreamDone() {
        upstreamNanos = System.nanoTime() - startNanos;
    }

    void firstToken() {
        if (firstTokenNanos < 0) firstTokenNanos = System.nanoTime() - startNanos;
    }

    void attempt(int n) {
        attempts = n;
    }

    /** Nanoseconds from the start of the chat until the upstream body ended, or -1. */
    public long upstreamNanos() {
        return upstreamNanos;
    }

    /** Nanoseconds from the start of the chat to the first reply text, or -1. */
    public long firstTokenNanos() {
        return firstTokenNanos;
    }

    /** Milliseconds from the start of the chat until the upstream body ended, or -1. */
    public long upstreamMillis() {
        return upstreamNanos < 0 ? -1 : upstreamNanos / 1_000_000;
    }

    public int attempts() {
        return attempts;
    }

    void route(String name) {
        route = name;
    }

    /** The upstream route of the last attempt, or null before the first. */
    public String route() {
        return route;
    }
}
