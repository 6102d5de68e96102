package dev.e2bgateway.upstream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.e2bgateway.core.ChatRequest;
import dev.e2bgateway.core.ChatRequest.Image;
import dev.e2bgateway.core.ChatRequest.Message;
import dev.e2bgateway.core.ChatRequest.Part;
import dev.e2bgateway.core.ChatRequest.Text;
import dev.e2bgateway.models.Limits;
import dev.e2bgateway.models.ModelSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Builds the body of {@code POST /api/chat} from a chat request (shared/docs/e2b-upstream.md). */
public final class FragmentsRequest {

    /**
     * The upstream turns template entries into its system prompt, and {@code instructions} is
     * the only field of an entry it copies verbatim: the chat-mode rules and the client's own
     * system prompt go there.
     */
    static final String CHAT_INSTRUCTIONS = """
            You are a helpful assistant in a chat conversation, not a code generator. \
            Write your complete reply to the conversation as plain text (Markdown allowed) into the `code` field; \
            it is the only text the user reads. Keep `commentary` to a few words. \
            Do not write a program unless the user asks for one.""";

    /** Room for the JSON envelope (commentary, title, ...) the model writes around the reply. */
    static final int ENVELOPE_TOKENS = 512;

    private final ObjectMapper json;

    public FragmentsRequest(ObjectMapper json) {
        this.json = json;
    }

    public byte[] encode(ChatRequest request) {
        ModelSpec model = request.model();
        ObjectNode body = json.createObjectNode();
        // The upstream only logs it: a random UUID without SecureRandom's lock is enough.
        ThreadLocalRandom random = ThreadLocalRandom.current();
        body.put("userID", new UUID(random.nextLong() & ~0xF000L | 0x4000L, random.nextLong() & ~(3L << 62) | (1L << 63)).toString());
        body.set("messages", messages(request.messages()));
        ObjectNode template = body.putObject("template").putObject("chat");
        template.put("name", "chat");
        template.putArray("lib"); // must be an array, or the upstream fails with 500
        template.put("file", "reply.md");
        template.put("instructions", instructions(request.system()));
        template.putNull("port");
        ObjectNode m = body.putObject("model");
        m.put("id", model.upstreamId());
        m.put("provider", model.provider());
        m.put("providerId", model.providerId());
        m.put("name", model.name());
        m.put("multiModal", model.multiModal());
        body.set("config", config(request));
        try {
            return json.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot encode an upstream request", e);
        }
    }

    private static String instructions(String system) {
        if (system == null || system.isBlank()) return CHAT_INSTRUCTIONS;
        return CHAT_INSTRUCTIONS + "\n\nFollow these instructions from the conversation's system prompt:\n" + system;
    }

    /** camelCase keys only: the upstream silently ignores snake_case ones. Values clamped to the model's limits. */
    private ObjectNode config(ChatRequest request) {
        Limits limits = request.model().limits();
        ChatRequest.Sampling s = request.sampling();
        ObjectNode config = json.createObjectNode();
        config.put("model", request.model().upstreamId());
        if (s.temperature() != null) config.put("temperature", clamp(s.temperature(), 0, limits.temperature()));
        if (s.topP() != null) config.put("topP", clamp(s.topP(), 0, limits.topP()));
        if (s.topK() != null) config.put("topK", (int) clamp(s.topK(), 0, limits.topK()));
        if (s.frequencyPenalty() != null) {
            config.put("frequencyPenalty", clamp(s.frequencyPenalty(), -limits.frequencyPenalty(), limits.frequencyPenalty()));
        }
        if (s.presencePenalty() != null) {
            config.put("presencePenalty", clamp(s.presencePenalty(), -limits.presencePenalty(), limits.presencePenalty()));
        }
        Integer maxTokens = upstreamMaxTokens(request.maxTokens(), limits.maxTokens());
        if (maxTokens != null) config.put("maxTokens", maxTokens);
        return config;
    }

    /**
     * The client's limit is for the reply; the upstream's counts the whole JSON envelope, so it
     * gets headroom (the gateway cuts the reply itself). Without a client limit the model's cap is
     * sent, since Anthropic models otherwise stop at 4096 tokens.
     */
    static Integer upstreamMaxTokens(Integer clientMax, int cap) {
        if (clientMax == null) return cap > 0 ? cap : null;
        long wanted = (long) clientMax + ENVELOPE_TOKENS;
        return (int) (cap > 0 ? Math.min(wanted, cap) : Math.min(wanted, Integer.MAX_VALUE));
    }

    /**
     * user/assistant only, consecutive messages of one role merged, content as parts. Empty
     * text parts are dropped (Anthropic's API refuses them), and so are messages left empty.
     */
    private ArrayNode messages(List<Message> messages) {
        List<Message> merged = new ArrayList<>();
        for (Message m : messages) {
            List<Part> parts = m.parts().stream().filter(p -> !(p instanceof Text t) || !t.text().isEmpty()).toList();
            if (parts.isEmpty()) continue;
            Message last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && last.role() == m.role()) {
                List<Part> joined = new ArrayList<>(last.parts());
                joined.addAll(parts);
                merged.set(merged.size() - 1, new Message(m.role(), joined));
            } else {
                merged.add(new Message(m.role(), parts));
            }
        }
        ArrayNode out = json.createArrayNode();
        for (Message m : merged) {
            ObjectNode node = out.addObject();
            node.put("role", m.role() == ChatRequest.Role.USER ? "user" : "assistant");
            ArrayNode content = node.putArray("content");
            for (Part part : m.parts()) {
                if (part instanceof Text t) content.addObject().put("type", "text").put("text", t.text());
                else if (part instanceof Image image) content.addObject().put("type", "image").put("image", image.dataUrl());
            }
        }
        return out;
    }

    private static double clamp(double v, double min, double max) {
        return Math.max(min, Math.min(max, v));
    }
}
