package dev.e2bgateway.core;

import dev.e2bgateway.config.ProviderKeys;
import dev.e2bgateway.models.ModelSpec;
import dev.e2bgateway.models.ParameterRules;
import dev.e2bgateway.upstream.FragmentsRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the core's {@link ChatRequest} into the upstream's terms: the model identity, the
 * gateway's system prompt with the client's own, the messages, the sampling settings within the
 * provider's rules, and the provider's key when the operator gave one.
 */
public final class UpstreamRequests {

    /** Room for the JSON envelope (commentary, title, ...) the model writes around the reply. */
    static final int ENVELOPE_TOKENS = 512;

    /** The gateway's chat prompt, a resource so it can be read and tuned (README says what it tells the model). */
    static final String CHAT_PROMPT = resource("/dev/e2bgateway/prompt/chat.md");

    private final ProviderKeys providerKeys;

    public UpstreamRequests(ProviderKeys providerKeys) {
        this.providerKeys = providerKeys;
    }

    public FragmentsRequest.Chat of(ChatRequest request) {
        ModelSpec model = request.model();
        String system = systemPrompt(request.system());
        return new FragmentsRequest.Chat(
                new FragmentsRequest.Model(model.upstreamId(), model.provider(), model.providerId(), model.name(), model.multiModal()),
                // The same text as the template's instructions too, for a deployment that ignores config.system.
                system,
                messages(request.messages()),
                settings(request, system, providerKeys.forProvider(model.providerId()).orElse(null)));
    }

    /**
     * {@code config.system} replaces the upstream's fragment prompt (shared/docs/tool-calls.md):
     * the gateway's chat prompt, then the client's system prompt, verbatim.
     */
    static String systemPrompt(String clientSystem) {
        if (clientSystem == null || clientSystem.isBlank()) return CHAT_PROMPT;
        return CHAT_PROMPT + "\n\nThe conversation's own system prompt follows. Follow it.\n\n" + clientSystem;
    }

    private static List<FragmentsRequest.Message> messages(List<ChatRequest.Message> messages) {
        List<FragmentsRequest.Message> out = new ArrayList<>(messages.size());
        for (ChatRequest.Message m : messages) {
            List<FragmentsRequest.Part> parts = new ArrayList<>(m.parts().size());
            for (ChatRequest.Part p : m.parts()) {
                parts.add(p instanceof ChatRequest.Text t ? new FragmentsRequest.Text(t.text())
                        : new FragmentsRequest.Image(((ChatRequest.Image) p).url()));
            }
            out.add(new FragmentsRequest.Message(m.role() == ChatRequest.Role.USER, parts));
        }
        return out;
    }

    /** Each parameter within the provider's rules: clamped, dropped where refused, one of an exclusive pair. */
    private static FragmentsRequest.Settings settings(ChatRequest request, String system, String apiKey) {
        ParameterRules rules = request.model().rules();
        ChatRequest.Sampling s = request.sampling();
        Double temperature = s.temperature() == null || !rules.sends("temperature") ? null : clamp(s.temperature(), 0, rules.temperature());
        Double topP = s.topP() == null || !rules.sends("topP") ? null : clamp(s.topP(), 0, rules.topP());
        // The upstream's SDK sends temperature 0 when none is given, so an exclusive pair can only ever be temperature.
        if (rules.exclusiveSampling()) topP = null;
        return new FragmentsRequest.Settings(
                temperature,
                topP,
                s.topK() == null || !rules.sends("topK") ? null : (int) clamp(s.topK(), 0, rules.topK()),
                s.frequencyPenalty() == null || !rules.sends("frequencyPenalty") ? null
                        : clamp(s.frequencyPenalty(), -rules.frequencyPenalty(), rules.frequencyPenalty()),
                s.presencePenalty() == null || !rules.sends("presencePenalty") ? null
                        : clamp(s.presencePenalty(), -rules.presencePenalty(), rules.presencePenalty()),
                upstreamMaxTokens(request.maxTokens(), rules.maxTokens(), rules.reasoningTokens()),
                system,
                apiKey);
    }

    /**
     * The client's limit is for the reply; the upstream's counts the whole JSON envelope and, on a
     * reasoning model, the hidden reasoning too, so it gets that headroom (the gateway cuts the
     * visible reply itself). Without a client limit the model's cap is sent, since Anthropic
     * models otherwise stop at 4096 tokens.
     */
    static Integer upstreamMaxTokens(Integer clientMax, int cap, int reasoningTokens) {
        if (clientMax == null) return cap > 0 ? cap : null;
        long wanted = (long) clientMax + ENVELOPE_TOKENS + reasoningTokens;
        return (int) (cap > 0 ? Math.min(wanted, cap) : Math.min(wanted, Integer.MAX_VALUE));
    }

    private static double clamp(double v, double min, double max) {
        return Math.max(min, Math.min(max, v));
    }

    private static String resource(String path) {
        try (InputStream in = UpstreamRequests.class.getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException | NullPointerException e) {
            throw new UncheckedIOException("the resource " + path + " is missing from the jar", new IOException(e));
        }
    }
}
