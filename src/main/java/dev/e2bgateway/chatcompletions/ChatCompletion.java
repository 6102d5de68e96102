package dev.e2bgateway.chatcompletions;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** A non-streaming {@code chat.completion} (docs/wire.md). */
public record ChatCompletion(String id, String object, long created, String model, List<Choice> choices,
                             UsageBody usage) {

    public static ChatCompletion of(String id, long created, String model, Message message, String finishReason,
                                    UsageBody usage) {
        return new ChatCompletion(id, "chat.completion", created, model, List.of(new Choice(0, message, null, finishReason)), usage);
    }

    public record Choice(int index, Message message, Object logprobs,
                         @JsonProperty("finish_reason") String finishReason) {}

    /**
     * The assistant's message: {@code content} is null when the reply is only tool calls;
     * {@code tool_calls} is left out when there are none, {@code function_call} unless the
     * client used the deprecated {@code functions}.
     */
    public record Message(String role, String content, String refusal,
                          @JsonProperty("tool_calls") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ToolCallBody> toolCalls,
                          @JsonProperty("function_call") @JsonInclude(JsonInclude.Include.NON_NULL) FunctionBody functionCall) {}

    /** One call: a {@code function} with JSON arguments, or a {@code custom} tool with raw text input. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ToolCallBody(String id, String type, FunctionBody function, CustomBody custom) {}

    public record FunctionBody(String name, String arguments) {}

    public record CustomBody(String name, String input) {}
}
