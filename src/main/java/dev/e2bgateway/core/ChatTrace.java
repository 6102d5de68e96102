package dev.e2bgateway.core;

/**
 * What one chat's log line and metrics report: its request id, how many upstream attempts it
 * took and on which routes, when the upstream's first reply text and the end of its body
 * arrived, and how the chat ended.
 */
public final class ChatTrace {

    /** How a chat ended, as the access line and {@code gateway_chat_outcomes_total} name it. */
    public enum Outcome {
        /** The reply was delivered whole. */
        OK,
        /** The client hung up before the reply was delivered. */
        CLIENT_GONE,
        /** The upstream reply broke off after it had started (closed early, connection lost, went silent). */
        CUT,
        /** A failure was answered to the client (a status, or an in-band error event). */
        ERROR,
        /** A rate limit was answered to the client (the host's, a provider's, the key's own). */
        LIMITED;

        public final String label = name().toLowerCase(java.util.Locale.ROOT);
    }

    private final String requestId;
    private final long startNanos = System.nanoTime();
    private volatile long upstreamNanos = -1;
    private volatile long firstTokenNanos = -1;
    private volatile int attempts;
    private volatile String route;
    private volatile String routes;
    private volatile Outcome outcome;
    private final java.util.concurrent.atomic.AtomicInteger sandboxRuns = new java.util.concurrent.atomic.AtomicInteger();
    private volatile String key = "-";
    private volatile SandboxAllowance allowance = () -> true;

    /** Whether the chat's key may have one more cell run in a sandbox (its daily budget); counts it when it may. */
    @FunctionalInterface
    public interface SandboxAllowance {
        boolean take();
    }

    public ChatTrace(String requestId) {
        this.requestId = requestId;
    }

    /** The chat's key, by name (for the metrics of what it spent), and its budget of sandbox runs. */
    public void key(String name, SandboxAllowance allowance) {
        this.key = name == null ? "-" : name;
        this.allowance = allowance;
    }

    public String key() {
        return key;
    }

    /** Asks the key's budget for one sandbox run; counted in {@link #sandboxRuns} when granted. */
    boolean takeSandboxRun() {
        if (!allowance.take()) return false;
        sandboxRuns.incrementAndGet();
        return true;
    }

    /** Cells sent to a sandbox for this chat (the access line's {@code sandbox_runs}). */
    public int sandboxRuns() {
        return sandboxRuns.get();
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
        routes = routes == null ? name : routes + ">" + name;
    }

    /** The route of every attempt in order, "a>b" for a failover from a to b ("a>a" for a retry on a), or null before the first. */
    public String routes() {
        return routes;
    }

    /** Records how the chat ended; the last word wins (a client that hangs up while the end is written is gone). */
    public void end(Outcome how) {
        outcome = how;
    }

    /** How the chat ended, or null when nothing recorded it (the access line then reads it from the status). */
    public Outcome outcome() {
        return outcome;
    }

    /** The upstream route of the last attempt, or null before the first. */
    public String route() {
        return route;
    }
}
