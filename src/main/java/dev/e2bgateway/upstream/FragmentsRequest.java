package dev.e2bgateway.upstream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Encodes the body of {@code POST /api/chat} (docs/upstream.md). */
public final class FragmentsRequest {

    /**
     * One chat call in the upstream's terms.
     *
     * @param instructions the template's instructions: what a deployment that ignores {@code config.system} gets
     */
    public record Chat(Model model, String instructions, List<Message> messages, Settings settings) {}

    /** The upstream's {@code model} object; only {@code id} and {@code providerId} pick the provider. */
    public record Model(String id, String provider, String providerId, String name, boolean multiModal) {}

    public record Message(boolean fromUser, List<Part> parts) {}

    public sealed interface Part permits Text, Image {}

    public record Text(String text) implements Part {}

    /** An image as a {@code data:} URL or an {@code http(s)} URL. */
    public record Image(String url) implements Part {}

    /**
     * The {@code config} object's settings, already within the provider's rules; null: not sent.
     *
     * @param system replaces the upstream's own system prompt (the upstream spreads {@code config} after it)
     * @param apiKey the provider key; with it the host skips its daily limit
     */
    public record Settings(Double temperature, Double topP, Integer topK, Double frequencyPenalty,
                           Double presencePenalty, Integer maxTokens, String system, String apiKey) {

        @Override
        public String toString() { // never print the key
            return "Settings[temperature=" + temperature + ", topP=" + topP + ", topK=" + topK + ", maxTokens=" + maxTokens
                    + ", apiKey=" + (apiKey == null ? "none" : "set") + "]";
        }
    }

    private final ObjectMapper json;

    public FragmentsRequest(ObjectMapper json) {
        this.json = json;
    }

    public byte[] encode(Chat chat) {
        ObjectNode body = json.createObjectNode();
        // The upstream only logs it: a random UUID without SecureRandom's lock is enough.
        ThreadLocalRandom random = ThreadLocalRandom.current();
        body.put("userID", new UUID(random.nextLong() & ~0xF000L | 0x4000L, random.nextLong() & ~(3L << 62) | (1L << 63)).toString());
        body.set("messages", messages(chat.messages()));
        // The upstream turns template entries into its system prompt, and `instructions` is the
        // only field of an entry it copies verbatim.
        ObjectNode template = body.putObject("template").putObject("chat");
        template.put("name", "chat");
        template.putArray("lib"); // must be an array, or the upstream fails with 500
        template.put("file", "reply.md");
        template.put("instructions", chat.instructions());
        template.putNull("port");
        ObjectNode m = body.putObject("model");
        m.put("id", chat.model().id());
        m.put("provider", chat.model().provider());
        m.put("providerId", chat.model().providerId());
        m.put("name", chat.model().name());
        m.put("multiModal", chat.model().multiModal());
        body.set("config", config(chat.model().id(), chat.settings()));
        try {
            return json.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot encode an upstream request", e);
        }
    }

    /** camelCase keys only: the upstream silently ignores snake_case ones. */
    private ObjectNode config(String modelId, Settings s) {
        ObjectNode config = json.createObjectNode();
        config.put("model", modelId);
        if (s.temperature() != null) config.put("temperature", s.temperature());
        if (s.topP() != null) config.put("topP", s.topP());
        if (s.topK() != null) config.put("topK", s.topK());
        if (s.frequencyPenalty() != null) config.put("frequencyPenalty", s.frequencyPenalty());
        if (s.presencePenalty() != null) config.put("presencePenalty", s.presencePenalty());
        if (s.maxTokens() != null) config.put("maxTokens", s.maxTokens());
        if (s.system() != null) config.put("system", s.system());
        if (s.apiKey() != null) config.put("apiKey", s.apiKey());
        return config;
    }

    /**
     * The messages as they go upstream: consecutive messages of one role merged, empty text
     * parts dropped (Anthropic's API refuses them), and messages left empty with them. Token
     * counts read this too, so they count what the model receives.
     */
    public static List<Message> asSent(List<Message> messages) {
        List<Message> merged = new ArrayList<>();
        for (Message m : messages) {
            List<Part> parts = m.parts().stream().filter(p -> !(p instanceof Text t) || !t.text().isEmpty()).toList();
            if (parts.isEmpty()) continue;
            Message last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && last.fromUser() == m.fromUser()) {
                List<Part> joined = new ArrayList<>(last.parts());
                joined.addAll(parts);
                merged.set(merged.size() - 1, new Message(m.fromUser(), joined));
            } else {
                merged.add(new Message(m.fromUser(), parts));
            }
        }
        return merged;
    }

    /** user/assistant only, content as parts. */
    private ArrayNode messages(List<Message> messages) {
        ArrayNode out = json.createArrayNode();
        for (Message m : asSent(messages)) {
            ObjectNode node = out.addObject();
            node.put("role", m.fromUser() ? "user" : "assistant");
            ArrayNode content = node.putArray("content");
            for (Part part : m.parts()) {
                if (part instanceof Text t) content.addObject().put("type", "text").put("text", t.text());
                else if (part instanceof Image image) content.addObject().put("type", "image").put("image", image.url());
            }
        }
        return out;
    }
}
