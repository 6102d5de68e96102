package dev.e2bgateway.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.tools.ToolChoice;

/** OpenAI's {@code tool_choice} words, shared by chat completions and the Responses API. */
public final class ToolChoices {

    private ToolChoices() {
    }

    /** {@code "none"}, {@code "auto"} or {@code "required"}; anything else is a 400 naming {@code tool_choice}. */
    public static ToolChoice word(JsonNode node) {
        return switch (node.asText()) {
            case "none" -> ToolChoice.none();
            case "auto" -> ToolChoice.auto();
            case "required" -> ToolChoice.required();
            default -> throw ApiError.invalidRequest("tool_choice", "'tool_choice' must be 'none', 'auto', 'required' or an object.");
        };
    }
}
