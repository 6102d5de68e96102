package dev.e2bgateway.dialect;

import dev.e2bgateway.core.ChatRequest;
import dev.e2bgateway.core.BufferedReply;

/** One parsed chat request and how to render its answer in the dialect it came in. */
public interface Exchange {

    ChatRequest request();

    /** Whether the client asked for a stream. */
    boolean stream();

    /** Whether the answer reports token usage (counting costs CPU, so only when it does). */
    boolean wantsUsage();

    /** The JSON body of a finished, non-streamed reply: its text, its tool calls, how it ended. */
    byte[] reply(BufferedReply reply);

    /** The events of a streamed reply. */
    StreamFormat events();
}
