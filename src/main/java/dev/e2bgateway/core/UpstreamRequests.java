package dev.e2bgateway.core;

import dev.e2bgateway.models.Limits;
import dev.e2bgateway.models.ModelSpec;
import dev.e2bgateway.upstream.FragmentsRequest;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the core's {@link ChatRequest} into the upstream's terms: the model identity, the
 * instructions that carry the chat rules and the client's system prompt, the messages, and the
 * sampling settings clamped to the model's limits.
 */
public final class UpstreamRequests {

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

    public FragmentsRequest.Chat of(ChatRequest request) {
        ModelSpec model = request.model();
        return new FragmentsRequest.Chat(
                new FragmentsRequest.Model(model.upstreamId(), model.provider(), model.providerId(), model.name(), model.multiModal()),
                instructions(request.system()),
                messages(request.messages()),
                settings(request));
    }

    private static String instructions(String system) {
        if (system == null || system.isBlank()) return CHAT_INSTRUCTIONS;
        return CHAT_INSTRUCTIONS + "\n\nFollow these instructions from the conversation's system prompt:\n" + system;
    }

    private static List<FragmentsRequest.Message> messages(List<ChatRequest.Message> messages) {
        List<FragmentsRequest.Message> out = new ArrayList<>(messages.size());
        for (ChatRequest.Message m : messages) {
            List<FragmentsRequest.Part> parts = new ArrayList<>(m.parts().size());
            for (ChatRequest.Part p : m.parts()) {
                parts.add(p instanceof ChatRequest.Text t ? new FragmentsRequest.Text(t.text())
                        : new FragmentsRequest.Image(((ChatRequest.Image) p).dataUrl()));
            }
            out.add(new FragmentsRequest.Message(m.role() == ChatRequest.Role.USER, parts));
        }
        return out;
    }

    /** Values clamped to the model's limits. */
    private static FragmentsRequest.Settings settings(ChatRequest request) {
        Limits limits = request.model().limits();
        ChatRequest.Sampling s = request.sampling();
        return new FragmentsRequest.Settings(
                s.temperature() == null ? null : clamp(s.temperature(), 0, limits.temperature()),
                s.topP() == null ? null : clamp(s.topP(), 0, limits.topP()),
                s.topK() == null ? null : (int) clamp(s.topK(), 0, limits.topK()),
                s.frequencyPenalty() == null ? null : clamp(s.frequencyPenalty(), -limits.frequencyPenalty(), limits.frequencyPenalty()),
                s.presencePenalty() == null ? null : clamp(s.presencePenalty(), -limits.presencePenalty(), limits.presencePenalty()),
                upstreamMaxTokens(request.maxTokens(), limits.maxTokens()));
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

    private static double clamp(double v, double min, double max) {
        return Math.max(min, Math.min(max, v));
    }
}
