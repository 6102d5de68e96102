package dev.e2bgateway.openai;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** A non-streaming {@code chat.completion} (shared/docs/openai-wire.md). */
public record ChatCompletion(String id, String object, long created, String model, List<Choice> choices,
                             UsageBody usage) {

    public static ChatCompletion of(String id, long created, String model, String content, String finishReason,
                                    UsageBody usage) {
        return new ChatCompletion(id, "chat.completion", created, model,
                List.of(new Choice(0, new Message("assistant", content, null), null, finishReason)), usage);
    }

    public record Choice(int index, Message message, Object logprobs,
                         @JsonProperty("finish_reason") String finishReason) {}

    public record Message(String role, String content, String refusal) {}
}
