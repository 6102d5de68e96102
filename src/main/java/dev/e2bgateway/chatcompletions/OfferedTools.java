package dev.e2bgateway.chatcompletions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.core.Finish;
import dev.e2bgateway.core.ToolCall;
import dev.e2bgateway.dialect.Ids;
import dev.e2bgateway.tools.Tool;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How the calls of one reply look on OpenAI's wire: a {@code function} call with its arguments
 * as a JSON string, a {@code custom} tool's call with its raw input, or, for a client that used
 * the deprecated {@code functions}, one {@code function_call}.
 */
final class OfferedTools {

    private final Map<String, Tool.Kind> kinds = new HashMap<>();
    private final boolean legacyFunctions;
    private final ObjectMapper json;

    OfferedTools(List<Tool> tools, boolean legacyFunctions, ObjectMapper json) {
        tools.forEach(t -> kinds.put(t.name(), t.kind()));
        this.legacyFunctions = legacyFunctions;
        this.json = json;
    }

    boolean legacyFunctions() {
        return legacyFunctions;
    }

    boolean custom(ToolCall call) {
        return kinds.get(call.name()) == Tool.Kind.CUSTOM;
    }

    static String newId() {
        return Ids.next("call_");
    }

    /** A custom tool's raw input: the one text parameter the model wrote. */
    String input(ToolCall call) {
        try {
            JsonNode args = json.readTree(call.arguments());
            JsonNode input = args.get(Tool.CUSTOM_INPUT);
            return input == null ? "" : input.isTextual() ? input.asText() : input.toString();
        } catch (IOException e) {
            return call.arguments();
        }
    }

    ChatCompletion.ToolCallBody body(ToolCall call, String id) {
        return custom(call)
                ? new ChatCompletion.ToolCallBody(id, "custom", null, new ChatCompletion.CustomBody(call.name(), input(call)))
                : new ChatCompletion.ToolCallBody(id, "function", new ChatCompletion.FunctionBody(call.name(), call.arguments()), null);
    }

    String finishReason(Finish.Reason reason) {
        return switch (reason) {
            case LENGTH -> "length";
            case TOOL_CALLS -> legacyFunctions ? "function_call" : "tool_calls";
            case END, STOP_SEQUENCE -> "stop";
        };
    }
}
