package dev.e2bgateway.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.core.ChatRequest;
import dev.e2bgateway.core.ChatRequest.Message;
import dev.e2bgateway.core.ChatRequest.Part;
import dev.e2bgateway.core.ChatRequest.Role;
import dev.e2bgateway.core.ChatRequest.Text;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.dialect.Images;
import dev.e2bgateway.json.Fields;
import dev.e2bgateway.models.ModelRegistry;
import dev.e2bgateway.models.ModelSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * Validates an Anthropic Messages request ({@code POST /v1/messages}) and turns it into the
 * core's {@link ChatRequest}. {@code metadata} and unknown fields are ignored.
 */
final class MessagesParser {

    record Parsed(ChatRequest request, boolean stream) {}

    private final ObjectMapper json;
    private final ModelRegistry models;

    MessagesParser(ObjectMapper json, ModelRegistry models) {
        this.json = json;
        this.models = models;
    }

    /** A messages request; {@code max_tokens} is required. */
    Parsed parse(byte[] body) {
        return parse(body, true);
    }

    /** A count_tokens request: the same shape, without {@code max_tokens}. */
    ChatRequest parseForCounting(byte[] body) {
        return parse(body, false).request();
    }

    private Parsed parse(byte[] body, boolean needsMaxTokens) {
        JsonNode root = Fields.readObject(json, body);
        String modelName = Fields.requiredString(root, "model");
        ModelSpec model = models.find(modelName).orElseThrow(() -> ApiError.modelNotFound(modelName));
        Integer maxTokens = Fields.optionalInt(root, "max_tokens", 1, Integer.MAX_VALUE);
        if (needsMaxTokens && maxTokens == null) throw ApiError.invalidRequest("max_tokens", "max_tokens: Field required");

        JsonNode messages = root.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw ApiError.invalidRequest("messages", "messages: must be a non-empty array of messages");
        }
        List<Message> conversation = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String path = "messages." + i;
            String role = m.path("role").asText("");
            if (!role.equals("user") && !role.equals("assistant")) {
                throw ApiError.invalidRequest(path + ".role", path + ".role: must be 'user' or 'assistant'");
            }
            conversation.add(new Message(role.equals("user") ? Role.USER : Role.ASSISTANT,
                    blocks(m.get("content"), path + ".content", model, role.equals("user"))));
        }
        if (conversation.get(0).role() != Role.USER) {
            throw ApiError.invalidRequest("messages", "messages: the first message must use the 'user' role");
        }
        String system = system(root.get("system"));
        ChatRequest.Sampling sampling = new ChatRequest.Sampling(
                Fields.optionalNumber(root, "temperature", 0, 1),
                Fields.optionalNumber(root, "top_p", 0, 1),
                Fields.optionalInt(root, "top_k", 0, Integer.MAX_VALUE),
                null, null);
        List<String> stops = Fields.stopSequences(root.get("stop_sequences"), "stop_sequences", Integer.MAX_VALUE);
        boolean stream = Fields.optionalBoolean(root, "stream");
        return new Parsed(new ChatRequest(modelName, model, system, conversation, sampling, maxTokens, stops), stream);
    }

    private static List<Part> blocks(JsonNode content, String path, ModelSpec model, boolean imagesAllowed) {
        if (content == null || content.isNull()) throw ApiError.invalidRequest(path, path + ": Field required");
        if (content.isTextual()) return List.of(new Text(content.asText()));
        if (!content.isArray()) throw ApiError.invalidRequest(path, path + ": must be a string or an array of content blocks");
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            String where = path + "." + i;
            String type = block.path("type").asText("");
            switch (type) {
                case "text" -> {
                    if (!block.path("text").isTextual()) throw ApiError.invalidRequest(where + ".text", where + ".text: Field required");
                    parts.add(new Text(block.get("text").asText()));
                }
                case "image" -> parts.add(Images.image(imageUrl(block.path("source"), where), model, imagesAllowed, where,
                        where + ".source"));
                default -> throw ApiError.invalidRequest(where + ".type", where + ".type: unsupported content block '"
                        + type + "' (this gateway takes 'text' and 'image')");
            }
        }
        return parts;
    }

    /** A base64 source as a data: URL, or a url source as it is. */
    private static String imageUrl(JsonNode source, String where) {
        String type = source.path("type").asText();
        if ("url".equals(type) && source.path("url").isTextual()) return source.get("url").asText();
        if (!"base64".equals(type) || !source.path("media_type").asText("").startsWith("image/") || !source.path("data").isTextual()) {
            throw ApiError.invalidRequest(where + ".source",
                    where + ".source: an image needs a base64 source with an image/* media_type, or a url source");
        }
        return "data:" + source.get("media_type").asText() + ";base64," + source.get("data").asText();
    }

    private static String system(JsonNode system) {
        if (system == null || system.isNull()) return null;
        if (system.isTextual()) return system.asText();
        if (!system.isArray()) throw ApiError.invalidRequest("system", "system: must be a string or an array of text blocks");
        List<String> texts = new ArrayList<>();
        for (JsonNode block : system) {
            if (!"text".equals(block.path("type").asText()) || !block.path("text").isTextual()) {
                throw ApiError.invalidRequest("system", "system: only text blocks are accepted");
            }
            texts.add(block.get("text").asText());
        }
        return String.join("\n\n", texts);
    }
}
