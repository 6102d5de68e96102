package dev.e2bgateway.core;

import java.io.IOException;

/**
 * Where the core delivers a reply as it is known: a buffer for a client that did not ask to
 * stream, or a dialect's stream format. Text comes first, then any tool calls, then the finish.
 */
public interface ReplySink {

    /** Text to append to the reply, in order; never empty. */
    void text(String delta) throws IOException;

    /** A complete tool call, after the text that precedes it. */
    void toolCall(ToolCall call) throws IOException;

    /**
     * The gateway starts running a cell of Python the model wrote (the built-in code interpreter):
     * sent before the sandbox is called, so a stream can show the code while it runs.
     */
    default void codeStarted(String code) throws IOException {
        throw new UnsupportedOperationException("this reply has no code interpreter");
    }

    /** The cell of the last {@link #codeStarted} ran (or could not): its output. More text or cells may follow. */
    default void codeDone(CodeRun run) throws IOException {
        throw new UnsupportedOperationException("this reply has no code interpreter");
    }

    /** The reply is complete. */
    void finish(Finish finish) throws IOException;

    /** Whether {@link Finish#usage()} is needed; counting tokens costs CPU, so a stream that never reports it skips it. */
    default boolean wantsUsage() {
        return true;
    }
}
