package dev.e2bgateway.core;

/**
 * How a reply ended, with its token usage.
 *
 * @param stopSequence the stop sequence that ended it, when {@code reason} is {@link Reason#STOP_SEQUENCE}
 * @param usage        token counts, or null when the sink said it does not need them
 */
public record Finish(Reason reason, String stopSequence, Usage usage) {

    public enum Reason {
        /** The model finished on its own. */
        END,
        /** The client's token limit was reached. */
        LENGTH,
        /** One of the client's stop sequences appeared. */
        STOP_SEQUENCE,
        /** The model called one or more tools. */
        TOOL_CALLS
    }

    public record Usage(int promptTokens, int completionTokens) {
        public int totalTokens() {
            return promptTokens + completionTokens;
        }
    }
}
