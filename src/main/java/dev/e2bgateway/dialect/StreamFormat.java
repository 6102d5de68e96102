package dev.e2bgateway.dialect;

import dev.e2bgateway.core.CodeRun;
import dev.e2bgateway.core.Finish;
import dev.e2bgateway.core.ToolCall;
import dev.e2bgateway.error.ApiError;

/**
 * A dialect's server-sent events for one streamed reply. Each method returns complete events
 * (bytes ending with a blank line) for the one shared SSE writer; model text goes through a
 * JSON encoder, which escapes CR and LF, so it can never start an event of its own.
 */
public interface StreamFormat {

    /**
     * The stream's media type: server-sent events, unless the dialect streams another framing
     * (Ollama's NDJSON; Gemini without {@code alt=sse}: a JSON array whose elements arrive one by one).
     */
    default String contentType() {
        return "text/event-stream";
    }

    /** What opens the stream, sent once before the first text (or before the closing). */
    byte[] opening();

    /** One piece of reply text. */
    byte[] text(String delta);

    /** One complete tool call, after the text that precedes it and before {@link #closing}. */
    byte[] toolCall(ToolCall call);

    /** A code interpreter cell starts: its code, before it runs (only dialects with the built-in interpreter). */
    default byte[] codeStarted(String code) {
        throw new UnsupportedOperationException("this dialect has no code interpreter");
    }

    /** The cell of the last {@link #codeStarted} ran (or could not). */
    default byte[] codeDone(CodeRun run) {
        throw new UnsupportedOperationException("this dialect has no code interpreter");
    }

    /** What ends the stream: the finish reason, usage when asked for, the end marker. */
    byte[] closing(Finish finish);

    /** A failure after the stream started: the client learns it in-band, never as a clean end. */
    byte[] error(ApiError error);
}
