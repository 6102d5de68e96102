package dev.e2bgateway.dialect;

import dev.e2bgateway.core.ChatRequest;
import dev.e2bgateway.core.Finish;

/** One parsed chat request and how to render its answer in the dialect it came in. */
public interface Exchange {

    ChatRequest request();

    /** Whether the client asked for a stream. */
    boolean stream();

    /** Whether the answer reports token usage (counting costs CPU, so only when it does). */
    boolean wantsUsage();

    /** The JSON body of a finished, non-streamed reply. */
    byte[] reply(String text, Finish finish);

    /** The events of a streamed reply. */
    StreamFormat events();
}
