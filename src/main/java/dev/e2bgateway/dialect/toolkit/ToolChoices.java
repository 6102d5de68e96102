package dev.e2bgateway.dialect.toolkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.core.ToolUse;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.tools.Tool;
import dev.e2bgateway.tools.ToolChoice;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** What the model may do with the offered tools, read and checked the same way at every door. */
public final class ToolChoices {

    private ToolChoices() {
    }

    /** OpenAI's words {@code "none"}, {@code "auto"} or {@code "required"}; anything else is a 400 naming {@code tool_choice}. */
    public static ToolChoice word(JsonNode node) {
        return switch (node.asText()) {
            case "none" -> ToolChoice.none();
            case "auto" -> ToolChoice.auto();
            case "required" -> ToolChoice.required();
            default -> throw ApiError.invalidRequest("tool_choice", "'tool_choice' must be 'none', 'auto', 'required' or an object.");
        };
    }

    /**
     * The model may use only the tools named in {@code allowed} ({@code allowed_tools},
     * {@code allowedFunctionNames}); {@code required}: it must call one of them. A name that is
     * not among {@code tools} is a 400 naming {@code path}: it used to be dropped in silence (chat
     * completions and the Responses API), and when no name matched the model was offered no tool
     * at all, even when one was required.
     *
     * @param tools the offered tools; those not allowed are removed from it
     */
    public static ToolChoice allowed(List<Tool> tools, Collection<String> allowed, boolean required, String path) {
        List<String> known = tools.stream().map(Tool::name).toList();
        List<String> unknown = new ArrayList<>(allowed);
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw ApiError.invalidRequest(path, "'" + path + "' names " + unknown + ", which " + (unknown.size() == 1 ? "is" : "are")
                    + " not among the tools.");
        }
        tools.removeIf(t -> !allowed.contains(t.name()));
        if (tools.isEmpty()) return ToolChoice.none();
        return required ? ToolChoice.required() : ToolChoice.auto();
    }

    /**
     * The tools and the choice, with the choice checked against them: naming a tool that is not
     * among them is a 400 naming {@code path}.
     */
    public static ToolUse use(List<Tool> tools, ToolChoice choice, String path) {
        try {
            choice.offered(tools);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalidRequest(path, "'" + path + "': " + e.getMessage() + ".");
        }
        return new ToolUse(tools, choice);
    }
}
