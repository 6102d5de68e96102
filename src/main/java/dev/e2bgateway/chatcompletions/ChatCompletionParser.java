package dev.e2bgateway.chatcompletions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.core.ChatRequest;
import dev.e2bgateway.core.JsonOutput;
import dev.e2bgateway.core.OutputFormat;
import dev.e2bgateway.dialect.toolkit.ToolHistory;
import dev.e2bgateway.tools.Tool;
import dev.e2bgateway.core.ChatRequest.Message;
import dev.e2bgateway.core.ChatRequest.Part;
import dev.e2bgateway.core.ChatRequest.Role;
import dev.e2bgateway.core.ChatRequest.Text;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.dialect.Images;
import dev.e2bgateway.json.Fields;
import dev.e2bgateway.models.ModelRegistry;
import dev.e2bgateway.models.ModelSpec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Validates a {@code POST /v1/chat/completions} body and turns it into a {@link ChatRequest}.
 * Every problem is a 400 naming the field; nothing invalid reaches the upstream. Fields the
 * gateway cannot honour but that do not change the answer's shape ({@code user}, {@code seed},
 * {@code tools}, {@code logprobs}, ...) are ignored.
 */
final class ChatCompletionParser {

    /** @param legacyFunctions the client used the deprecated {@code functions}: replies say {@code function_call} */
    record Parsed(ChatRequest request, boolean stream, boolean includeUsage, boolean legacyFunctions) {}

    private final ObjectMapper json;
    private final Supplier<ModelRegistry> models; // read once per request: a reload swaps the registry

    ChatCompletionParser(ObjectMapper json, Supplier<ModelRegistry> models) {
        this.json = json;
        this.models = models;
    }

    Parsed parse(byte[] body) {
        JsonNode root = Fields.readObject(json, body);
        String modelName = Fields.requiredString(root, "model");
        ModelSpec model = models.get().find(modelName).orElseThrow(() -> ApiError.modelNotFound(modelName));

        JsonNode messages = root.get("messages");
        if (messages == null || messages.isNull()) throw ApiError.invalidRequest("messages", "'messages' is a required property.");
        if (!messages.isArray()) throw ApiError.invalidRequest("messages", "'messages' must be an array of messages.");
        if (messages.isEmpty()) throw ApiError.invalidRequest("messages", "'messages' must contain at least one message.");

        List<String> system = new ArrayList<>();
        ToolHistory history = new ToolHistory(json);
        for (int i = 0; i < messages.size(); i++) {
            message(messages.get(i), "messages[" + i + "]", model, system, history);
        }
        List<Message> conversation = history.messages();
        OutputFormat format = responseFormat(root.get("response_format"));
        ToolRequest.Parsed tools = ToolRequest.parse(root);
        if (conversation.stream().noneMatch(m -> m.role() == Role.USER)) {
            throw ApiError.invalidRequest("messages", "'messages' must contain at least one user message.");
        }

        Integer n = Fields.optionalInt(root, "n", 1, Integer.MAX_VALUE);
        if (n != null && n > 1) {
            throw ApiError.invalidRequest("n", "This gateway returns one choice per request; 'n' must be 1.");
        }
        ChatRequest.Sampling sampling = new ChatRequest.Sampling(
                Fields.optionalNumber(root, "temperature", 0, 2),
                Fields.optionalNumber(root, "top_p", 0, 1),
                Fields.optionalInt(root, "top_k", 0, Integer.MAX_VALUE),
                Fields.optionalNumber(root, "frequency_penalty", -2, 2),
                Fields.optionalNumber(root, "presence_penalty", -2, 2));
        Integer maxTokens = minOf(Fields.optionalInt(root, "max_tokens", 1, Integer.MAX_VALUE),
                Fields.optionalInt(root, "max_completion_tokens", 1, Integer.MAX_VALUE));
        List<String> stop = Fields.stopSequences(root.get("stop"), "stop", 4);

        boolean stream = Fields.optionalBoolean(root, "stream");
        boolean includeUsage = false;
        JsonNode streamOptions = root.get("stream_options");
        if (streamOptions != null && !streamOptions.isNull()) {
            if (!streamOptions.isObject()) throw ApiError.invalidRequest("stream_options", "'stream_options' must be an object.");
            includeUsage = Fields.optionalBoolean(streamOptions, "include_usage");
        }
        String systemPrompt = system.isEmpty() ? null : String.join("\n\n", system);
        return new Parsed(new ChatRequest(modelName, model, systemPrompt, conversation, sampling, maxTokens, stop,
                tools.use(), format), stream, includeUsage, tools.legacy());
    }

    private void message(JsonNode node, String path, ModelSpec model, List<String> system, ToolHistory history) {
        if (!node.isObject()) throw ApiError.invalidRequest(path, "Each message must be an object with 'role' and 'content'.");
        JsonNode roleNode = node.get("role");
        String role = roleNode != null && roleNode.isTextual() ? roleNode.asText() : null;
        if (role == null || !ROLES.contains(role)) {
            throw ApiError.invalidRequest(path + ".role",
                    "Invalid role at " + path + ": expected one of 'system', 'developer', 'user', 'assistant', 'tool', 'function'.");
        }
        JsonNode content = node.get("content");
        String contentPath = path + ".content";
        boolean nullable = role.equals("assistant"); // assistant messages carrying tool calls have content null
        if (content == null || content.isNull()) {
            if (!nullable) throw ApiError.invalidRequest(contentPath, "Missing content at " + contentPath + ".");
        }
        List<Part> parts = content == null || content.isNull() ? List.of() : parts(content, contentPath, model, role.equals("user"));
        switch (role) {
            case "system", "developer" -> system.add(ChatRequest.textOf(parts));
            // Consecutive tool messages answer one assistant turn: they go upstream as one block, in the calls' order.
            case "tool" -> history.result(node.path("tool_call_id").asText(""), null, ChatRequest.textOf(parts), false);
            case "function" -> history.result("", node.path("name").asText(null), ChatRequest.textOf(parts), false);
            case "assistant" -> {
                history.assistant(parts);
                calls(node, path, history);
                history.endTurn();
            }
            default -> history.user(parts);
        }
    }

    private static final List<String> ROLES = List.of("system", "developer", "user", "assistant", "tool", "function");

    /** An assistant message's {@code tool_calls} (or deprecated {@code function_call}). */
    private void calls(JsonNode node, String path, ToolHistory history) {
        JsonNode toolCalls = node.get("tool_calls");
        boolean any = false;
        if (toolCalls != null && !toolCalls.isNull()) {
            if (!toolCalls.isArray()) throw ApiError.invalidRequest(path + ".tool_calls", "'tool_calls' must be an array.");
            for (int i = 0; i < toolCalls.size(); i++) {
                JsonNode call = toolCalls.get(i);
                boolean custom = "custom".equals(call.path("type").asText());
                JsonNode body = custom ? call.path("custom") : call.path("function");
                String name = body.path("name").asText("");
                if (name.isEmpty()) {
                    throw ApiError.invalidRequest(path + ".tool_calls[" + i + "]", "A tool call needs its function's 'name'.");
                }
                String arguments = custom ? customArguments(body.path("input").asText("")) : body.path("arguments").asText("{}");
                history.call(call.path("id").asText(""), name, arguments);
                any = true;
            }
        }
        JsonNode functionCall = node.get("function_call");
        if (!any && functionCall != null && functionCall.isObject()) {
            history.call(null, functionCall.path("name").asText(""), functionCall.path("arguments").asText("{}"));
        }
    }

    private String customArguments(String input) {
        return json.createObjectNode().put(Tool.CUSTOM_INPUT, input).toString();
    }

    private static List<Part> parts(JsonNode content, String path, ModelSpec model, boolean imagesAllowed) {
        if (content.isTextual()) return List.of(new Text(content.asText()));
        if (!content.isArray()) {
            throw ApiError.invalidRequest(path, "Invalid content at " + path + ": expected a string or an array of parts.");
        }
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String partPath = path + "[" + i + "]";
            String type = part.isObject() && part.path("type").isTextual() ? part.get("type").asText() : null;
            if ("text".equals(type)) {
                JsonNode text = part.get("text");
                if (text == null || !text.isTextual()) throw ApiError.invalidRequest(partPath + ".text", "A text part needs a string 'text'.");
                parts.add(new Text(text.asText()));
            } else if ("image_url".equals(type)) {
                JsonNode imageUrl = part.get("image_url");
                JsonNode url = imageUrl == null ? null : imageUrl.isObject() ? imageUrl.get("url") : imageUrl;
                if (url == null || !url.isTextual()) {
                    throw ApiError.invalidRequest(partPath + ".image_url", "An image part needs 'image_url.url'.");
                }
                parts.add(Images.image(url.asText(), model, imagesAllowed, partPath, partPath + ".image_url.url"));
            } else {
                throw ApiError.invalidRequest(partPath + ".type", "Unsupported content part type at " + partPath
                        + ": " + (type == null ? "missing" : "'" + type + "'") + " (this gateway takes 'text' and 'image_url').");
            }
        }
        return parts;
    }


    /** {@code response_format}: the reply must be JSON; the core tells the model and checks what it wrote. */
    private OutputFormat responseFormat(JsonNode format) {
        if (format == null || format.isNull()) return OutputFormat.TEXT;
        String type = format.isObject() && format.path("type").isTextual() ? format.get("type").asText() : null;
        if ("text".equals(type)) return OutputFormat.TEXT;
        if ("json_object".equals(type)) return OutputFormat.JSON_OBJECT;
        if ("json_schema".equals(type)) {
            JsonNode spec = format.path("json_schema");
            JsonNode schema = spec.get("schema");
            if (schema == null || !schema.isObject()) {
                throw ApiError.invalidRequest("response_format.json_schema.schema", "'response_format.json_schema.schema' must be a JSON Schema object.");
            }
            JsonOutput.compiles(json, schema);
            return OutputFormat.schema(spec.path("name").asText(null), schema, spec.path("strict").asBoolean(false));
        }
        throw ApiError.invalidRequest("response_format.type", "'response_format.type' must be 'text', 'json_object' or 'json_schema'.");
    }

    private static Integer minOf(Integer a, Integer b) {
        if (a == null) return b;
        if (b == null) return a;
        return Math.min(a, b);
    }
}
