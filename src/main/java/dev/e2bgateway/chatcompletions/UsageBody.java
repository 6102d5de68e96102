package dev.e2bgateway.chatcompletions;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.e2bgateway.core.Finish;

/** OpenAI's {@code usage} object: integers, never null. */
public record UsageBody(@JsonProperty("prompt_tokens") int promptTokens,
                        @JsonProperty("completion_tokens") int completionTokens,
                        @JsonProperty("total_tokens") int totalTokens) {

    public static UsageBody of(Finish.Usage usage) {
        return new UsageBody(usage.promptTokens(), usage.completionTokens(), usage.totalTokens());
    }
}
