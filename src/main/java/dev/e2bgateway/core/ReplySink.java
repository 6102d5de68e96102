package dev.e2bgateway.core;

import java.io.IOException;

/**
 * Where the core delivers a reply as it is known: a buffer for a client that did not ask to
 * stream, or a dialect's stream format. Tool calls will arrive here too, as their own events
 * after the text that precedes them.
 */
public interface ReplySink {

    /** Text to append to the reply, in order; never empty. */
    void text(String delta) throws IOException;

    /** The reply is complete. */
    void finish(Finish finish) throws IOException;

    /** Whether {@link Finish#usage()} is needed; counting tokens costs CPU, so a stream that never reports it skips it. */
    default boolean wantsUsage() {
        return true;
    }
}
