package dev.e2bgateway.chatcompletions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.core.ToolUse;
import dev.e2bgateway.dialect.toolkit.ToolChoices;
import dev.e2bgateway.dialect.toolkit.ToolDeclarations;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.tools.Tool;
import dev.e2bgateway.tools.ToolChoice;

import java.util.ArrayList;
import java.util.List;

/**
 * The tool fields of a chat completions request: {@code tools} ({@code function} and
 * {@code custom}; other types are not offered to the model, never a 400), {@code tool_choice},
 * {@code parallel_tool_calls}, and the deprecated {@code functions} / {@code function_call}.
 */
final class ToolRequest {

    /** @param legacy the client used {@code functions}: the reply says {@code function_call} */
    record Parsed(ToolUse use, boolean legacy) {}

    private ToolRequest() {
    }

    static Parsed parse(JsonNode root) {
        List<Tool> tools = new ArrayList<>();
        boolean legacy = false;
        JsonNode toolsNode = root.get("tools");
        if (toolsNode != null && !toolsNode.isNull()) {
            if (!toolsNode.isArray()) throw ApiError.invalidRequest("tools", "'tools' must be an array of tools.");
            for (int i = 0; i < toolsNode.size(); i++) {
                JsonNode t = toolsNode.get(i);
                String path = "tools[" + i + "]";
                String type = t.path("type").asText("function");
                if (type.equals("function")) {
                    JsonNode f = t.path("function");
                    tools.add(ToolDeclarations.function(f, path + ".function", f.path("description").asText(""), f.get("parameters"),
                            path + ".function.parameters"));
                } else if (type.equals("custom")) {
                    JsonNode c = t.path("custom");
                    tools.add(ToolDeclarations.custom(c, path + ".custom", c.path("description").asText("")));
                }
                // Other types (built-in tools of other APIs) cannot be emulated: not offered.
            }
        }
        JsonNode functions = root.get("functions");
        if (tools.isEmpty() && functions != null && functions.isArray() && !functions.isEmpty()) {
            legacy = true;
            for (int i = 0; i < functions.size(); i++) {
                JsonNode f = functions.get(i);
                String path = "functions[" + i + "]";
                tools.add(ToolDeclarations.function(f, path, f.path("description").asText(""), f.get("parameters"), path + ".parameters"));
            }
        }
        if (tools.isEmpty()) return new Parsed(ToolUse.NONE, false);
        ToolChoice choice = legacy ? functionCall(root.get("function_call")) : toolChoice(root.get("tool_choice"), tools);
        JsonNode parallel = root.get("parallel_tool_calls");
        if (parallel != null && !parallel.isNull()) {
            if (!parallel.isBoolean()) throw ApiError.invalidRequest("parallel_tool_calls", "'parallel_tool_calls' must be a boolean.");
            choice = choice.withParallel(parallel.asBoolean());
        }
        if (legacy) choice = choice.withParallel(false); // one function_call per reply
        return new Parsed(ToolChoices.use(tools, choice, legacy ? "function_call" : "tool_choice"), legacy);
    }

    private static ToolChoice toolChoice(JsonNode node, List<Tool> tools) {
        if (node == null || node.isNull()) return ToolChoice.auto();
        if (node.isTextual()) return ToolChoices.word(node);
        String type = node.path("type").asText("");
        return switch (type) {
            case "function" -> ToolChoice.named(ToolDeclarations.name(node.path("function"), "tool_choice.function"));
            case "custom" -> ToolChoice.named(ToolDeclarations.name(node.path("custom"), "tool_choice.custom"));
            case "allowed_tools" -> allowedTools(node.path("allowed_tools"), tools);
            default -> throw ApiError.invalidRequest("tool_choice.type", "'tool_choice.type' must be 'function', 'custom' or 'allowed_tools'.");
        };
    }

    /** {@code allowed_tools}: the model may use only these; {@code mode: required}, it must call one of them. */
    private static ToolChoice allowedTools(JsonNode allowed, List<Tool> tools) {
        JsonNode list = allowed.get("tools");
        if (list == null || !list.isArray()) {
            throw ApiError.invalidRequest("tool_choice.allowed_tools.tools", "'tool_choice.allowed_tools.tools' must be an array of tools.");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode t : list) {
            names.add(t.path("function").path("name").asText(t.path("custom").path("name").asText(t.path("name").asText())));
        }
        return ToolChoices.allowed(tools, names, "required".equals(allowed.path("mode").asText()), "tool_choice.allowed_tools.tools");
    }

    private static ToolChoice functionCall(JsonNode node) {
        if (node == null || node.isNull()) return ToolChoice.auto();
        if (node.isTextual()) {
            return switch (node.asText()) {
                case "none" -> ToolChoice.none();
                case "auto" -> ToolChoice.auto();
                default -> throw ApiError.invalidRequest("function_call", "'function_call' must be 'none', 'auto' or {\"name\": ...}.");
            };
        }
        return ToolChoice.named(ToolDeclarations.name(node, "function_call"));
    }

}
