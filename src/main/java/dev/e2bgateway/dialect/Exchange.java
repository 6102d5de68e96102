package dev.e2bgateway.dialect;

import dev.e2bgateway.core.BufferedReply;
import dev.e2bgateway.core.ChatRequest;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One parsed chat request and how to render its answer in the dialect it came in.
 *
 * @param stream     whether the client asked for a stream
 * @param wantsUsage whether the answer reports token usage (counting costs CPU, so only when it does)
 * @param replyBody  the JSON body of a finished, non-streamed reply: its text, its tool calls, how it ended
 * @param streamFormat the events of a streamed reply, made when the stream starts
 * @param codeInterpreter whether the client asked for the built-in code interpreter, which the gateway runs itself
 */
public record Exchange(ChatRequest request, boolean stream, boolean wantsUsage, Function<BufferedReply, byte[]> replyBody,
                       Supplier<StreamFormat> streamFormat, boolean codeInterpreter) {

    /** An exchange without the code interpreter. */
    public Exchange(ChatRequest request, boolean stream, boolean wantsUsage, Function<BufferedReply, byte[]> replyBody,
                    Supplier<StreamFormat> streamFormat) {
        this(request, stream, wantsUsage, replyBody, streamFormat, false);
    }

    /** The JSON body of a finished, non-streamed reply. */
    public byte[] reply(BufferedReply reply) {
        return replyBody.apply(reply);
    }

    /** The events of a streamed reply. */
    public StreamFormat events() {
        return streamFormat.get();
    }
}
