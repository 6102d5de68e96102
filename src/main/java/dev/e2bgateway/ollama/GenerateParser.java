package dev.e2bgateway.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.core.ChatRequest;
import dev.e2bgateway.core.ChatRequest.Message;
import dev.e2bgateway.core.ChatRequest.Part;
import dev.e2bgateway.core.ChatRequest.Role;
import dev.e2bgateway.core.ChatRequest.Text;
import dev.e2bgateway.dialect.Images;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.json.Fields;
import dev.e2bgateway.models.ModelRegistry;
import dev.e2bgateway.models.ModelSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Validates a {@code POST /api/generate} body: {@code prompt} (one user message), {@code system},
 * {@code images}, and the shared fields of {@link RequestFields}. {@code raw} prompts and
 * {@code suffix} (fill-in-the-middle) need a completion model's own template, which the chat
 * models here do not take: a 400 says so. {@code template} and {@code context} (the token
 * context of an earlier reply, which the gateway does not have) are ignored: a conversation
 * goes through {@code /api/chat}. An empty prompt only loads the model in Ollama: {@link #loadOnly}.
 */
final class GenerateParser {

    private final ObjectMapper json;
    private final Supplier<ModelRegistry> models;

    GenerateParser(ObjectMapper json, Supplier<ModelRegistry> models) {
        this.json = json;
        this.models = models;
    }

    ChatParser.Parsed parse(byte[] body) {
        JsonNode root = Fields.readObject(json, body);
        String modelName = RequestFields.modelName(root);
        ModelSpec model = RequestFields.model(modelName, models.get());
        String prompt = Fields.requiredString(root, "prompt");
        if (Fields.optionalBoolean(root, "raw")) {
            throw ApiError.invalidRequest("raw", "'raw' prompts need a completion model's own template; the models of this gateway"
                    + " are chat models: send the prompt without 'raw'.");
        }
        JsonNode suffix = root.get("suffix");
        if (suffix != null && !suffix.isNull() && !suffix.asText("").isEmpty()) {
            throw ApiError.invalidRequest("suffix", "'suffix' (fill-in-the-middle) is not offered: the models of this gateway are chat models.");
        }
        JsonNode system = root.get("system");
        if (system != null && !system.isNull() && !system.isTextual()) throw ApiError.invalidRequest("system", "'system' must be a string.");
        List<Part> parts = new ArrayList<>(List.of(new Text(prompt)));
        JsonNode images = root.get("images");
        if (images != null && !images.isNull()) {
            if (!images.isArray()) throw ApiError.invalidRequest("images", "'images' must be an array of base64 images.");
            for (int i = 0; i < images.size(); i++) {
                String where = "images[" + i + "]";
                if (!images.get(i).isTextual()) throw ApiError.invalidRequest(where, where + ": must be a base64 string.");
                parts.add(Images.image(OllamaImages.dataUrl(images.get(i).asText(), where), model, true, where, where));
            }
        }
        RequestFields.think(root);
        RequestFields.keepAlive(root);
        RequestFields.Options options = RequestFields.options(root);
        String systemPrompt = system == null || system.isNull() || system.asText().isEmpty() ? null : system.asText();
        return new ChatParser.Parsed(new ChatRequest(modelName, model, systemPrompt, List.of(new Message(Role.USER, parts)),
                options.sampling(), options.maxTokens(), options.stop(), dev.e2bgateway.core.ToolUse.NONE,
                RequestFields.format(root, json)), RequestFields.stream(root));
    }

    /** Whether the body is Ollama's "load the model" request: a model and no prompt (an empty one, or none). */
    static boolean loadOnly(JsonNode root) {
        JsonNode prompt = root.get("prompt");
        return prompt == null || prompt.isNull() || prompt.isTextual() && prompt.asText().isEmpty();
    }
}
