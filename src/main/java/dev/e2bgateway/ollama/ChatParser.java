package dev.e2bgateway.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.core.ChatRequest;
import dev.e2bgateway.core.ChatRequest.Message;
import dev.e2bgateway.core.ChatRequest.Part;
import dev.e2bgateway.core.ChatRequest.Role;
import dev.e2bgateway.core.ChatRequest.Text;
import dev.e2bgateway.core.ToolUse;
import dev.e2bgateway.dialect.Images;
import dev.e2bgateway.dialect.toolkit.ToolChoices;
import dev.e2bgateway.dialect.toolkit.ToolDeclarations;
import dev.e2bgateway.dialect.toolkit.ToolHistory;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.json.Fields;
import dev.e2bgateway.models.ModelRegistry;
import dev.e2bgateway.models.ModelSpec;
import dev.e2bgateway.tools.Tool;
import dev.e2bgateway.tools.ToolChoice;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Validates a {@code POST /api/chat} body and turns it into the core's {@link ChatRequest}:
 * {@code system}/{@code user}/{@code assistant}/{@code tool} messages, {@code images} in base64,
 * an assistant's {@code tool_calls} and the {@code tool} turns that answer them (by
 * {@code tool_name} and order, the tool kit's {@link ToolHistory}), {@code tools}, and the shared fields of
 * {@link RequestFields}. A request without messages only loads the model in Ollama: {@link #loadOnly}.
 */
final class ChatParser {

    record Parsed(ChatRequest request, boolean stream) {}

    private final ObjectMapper json;
    private final Supplier<ModelRegistry> models; // read once per request: a reload swaps the registry

    ChatParser(ObjectMapper json, Supplier<ModelRegistry> models) {
        this.json = json;
        this.models = models;
    }

    Parsed parse(byte[] body) {
        JsonNode root = Fields.readObject(json, body);
        String modelName = RequestFields.modelName(root);
        ModelSpec model = RequestFields.model(modelName, models.get());
        JsonNode messages = root.get("messages");
        if (messages == null || messages.isNull() || messages.isArray() && messages.isEmpty()) {
            throw ApiError.invalidRequest("messages", "'messages' must hold at least one message.");
        }
        if (!messages.isArray()) throw ApiError.invalidRequest("messages", "'messages' must be an array of messages.");
        List<String> system = new ArrayList<>();
        ToolHistory history = new ToolHistory(json);
        for (int i = 0; i < messages.size(); i++) message(messages.get(i), i, model, system, history);
        List<Message> conversation = history.messages();
        if (conversation.stream().noneMatch(m -> m.role() == Role.USER)) {
            throw ApiError.invalidRequest("messages", "'messages' must hold at least one user message.");
        }
        RequestFields.think(root);
        RequestFields.keepAlive(root);
        RequestFields.Options options = RequestFields.options(root);
        String systemPrompt = system.isEmpty() ? null : String.join("\n\n", system);
        return new Parsed(new ChatRequest(modelName, model, systemPrompt,
                conversation, options.sampling(), options.maxTokens(), options.stop(), tools(root.get("tools")),
                RequestFields.format(root, json)), RequestFields.stream(root));
    }

    /** Whether the body is Ollama's "load the model" request: a model and no messages (an empty list, or none). */
    static boolean loadOnly(JsonNode root) {
        JsonNode messages = root.get("messages");
        return messages == null || messages.isNull() || messages.isArray() && messages.isEmpty();
    }

    private void message(JsonNode node, int index, ModelSpec model, List<String> system, ToolHistory history) {
        String path = "messages[" + index + "]";
        if (!node.isObject()) throw ApiError.invalidRequest(path, path + ": each message must be an object with 'role' and 'content'.");
        String role = node.path("role").asText("");
        JsonNode content = node.get("content");
        if (content != null && !content.isNull() && !content.isTextual()) {
            throw ApiError.invalidRequest(path + ".content", path + ".content: must be a string.");
        }
        String text = content == null || content.isNull() ? "" : content.asText();
        switch (role) {
            case "system" -> system.add(text);
            case "user" -> history.user(parts(text, node.get("images"), path, model));
            case "assistant" -> {
                if (node.hasNonNull("images")) throw ApiError.invalidRequest(path + ".images", path + ".images: images are only accepted in user messages.");
                history.endTurn();
                if (!text.isEmpty()) history.assistant(List.of(new Text(text)));
                calls(node.get("tool_calls"), index, history);
                history.endTurn();
            }
            case "tool" -> history.result(node.path("tool_call_id").asText(null), node.path("tool_name").asText(null), text, false);
            default -> throw ApiError.invalidRequest(path + ".role", path + ".role: must be 'system', 'user', 'assistant' or 'tool'.");
        }
    }

    private static List<Part> parts(String text, JsonNode images, String path, ModelSpec model) {
        List<Part> parts = new ArrayList<>();
        if (!text.isEmpty()) parts.add(new Text(text));
        if (images == null || images.isNull()) return parts.isEmpty() ? List.of(new Text("")) : parts;
        if (!images.isArray()) throw ApiError.invalidRequest(path + ".images", path + ".images: must be an array of base64 images.");
        for (int i = 0; i < images.size(); i++) {
            String where = path + ".images[" + i + "]";
            if (!images.get(i).isTextual()) throw ApiError.invalidRequest(where, where + ": must be a base64 string.");
            parts.add(Images.image(OllamaImages.dataUrl(images.get(i).asText(), where), model, true, where, where));
        }
        return parts;
    }

    /**
     * An assistant's {@code tool_calls}: each {@code {function: {name, arguments}}}, arguments an
     * object (or its JSON text). Ollama's calls often carry no id (the gateway's replies give one,
     * which clients send back); one without gets an id by its place in the conversation
     * ({@code call_<message>_<call>}), the same on every request of the conversation, and
     * the {@code tool} turns after it pair with it by {@code tool_name} and order (the tool kit).
     */
    private static void calls(JsonNode calls, int message, ToolHistory history) {
        String path = "messages[" + message + "].tool_calls";
        if (calls == null || calls.isNull()) return;
        if (!calls.isArray()) throw ApiError.invalidRequest(path, path + ": must be an array of tool calls.");
        for (int i = 0; i < calls.size(); i++) {
            JsonNode function = calls.get(i).path("function");
            String name = ToolDeclarations.name(function, path + "[" + i + "].function");
            JsonNode arguments = function.get("arguments");
            String args = arguments == null || arguments.isNull() ? "{}" : arguments.isTextual() ? arguments.asText() : arguments.toString();
            String id = calls.get(i).path("id").asText("");
            history.call(id.isEmpty() ? "call_" + message + "_" + i : id, name, args);
        }
    }

    /** {@code tools}: function tools, offered to the model as the other doors offer theirs; other types are not offered. */
    private static ToolUse tools(JsonNode node) {
        if (node == null || node.isNull()) return ToolUse.NONE;
        if (!node.isArray()) throw ApiError.invalidRequest("tools", "'tools' must be an array of tools.");
        List<Tool> tools = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode t = node.get(i);
            if (!"function".equals(t.path("type").asText("function"))) continue;
            JsonNode f = t.path("function");
            String path = "tools[" + i + "].function";
            tools.add(ToolDeclarations.function(f, path, f.path("description").asText(""), f.get("parameters"), path + ".parameters"));
        }
        return tools.isEmpty() ? ToolUse.NONE : ToolChoices.use(tools, ToolChoice.auto(), "tools");
    }
}
