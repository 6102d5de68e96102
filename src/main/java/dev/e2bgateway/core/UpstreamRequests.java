package dev.e2bgateway.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.config.ProviderKeys;
import dev.e2bgateway.tools.ToolPrompt;
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

    /** The gateway's chat prompt, a resource so it can be read and tuned (docs/api-chat-completions.md says what it tells the model). */
    static final String CHAT_PROMPT = resource("/dev/e2bgateway/prompt/chat.md");

    /**
     * The template's {@code instructions}: only what a deployment that ignores {@code config.system}
     * needs to answer a chat sensibly (the reply goes into {@code code}). The full prompt travels
     * once, as {@code config.system}, which replaces the template prompt on the current upstream;
     * sending it twice doubled every body (docs/tool-calls.md, "Why the system prompt is ours").
     * docs/api-chat-completions.md says what such a deployment then misses: the client's system
     * prompt, the tools, the output format.
     */
    static final String FALLBACK_PROMPT = resource("/dev/e2bgateway/prompt/fallback.md");

    private final ToolPrompt toolPrompt;
    private final ObjectMapper json;

    public UpstreamRequests(ObjectMapper json) {
        this.toolPrompt = new ToolPrompt(json);
        this.json = json;
    }

    /** The request as sent through a route that carries {@code providerKeys}. */
    public FragmentsRequest.Chat of(ChatRequest request, ProviderKeys providerKeys) {
        return of(request, systemPrompt(request), providerKeys);
    }

    /** The same, with the {@link #systemPrompt} already rendered (a chat renders it once for the body and its usage). */
    FragmentsRequest.Chat of(ChatRequest request, String system, ProviderKeys providerKeys) {
        ModelSpec model = request.model();
        return new FragmentsRequest.Chat(
                new FragmentsRequest.Model(model.upstreamId(), model.provider(), model.providerId(), model.name(), model.multiModal()),
                FALLBACK_PROMPT,
                messages(request.messages()),
                settings(request, system, providerKeys.forProvider(model.providerId()).orElse(null)));
    }

    /**
     * {@code config.system} replaces the upstream's fragment prompt (docs/tool-calls.md):
     * the gateway's chat prompt, the tools and how to call them, the JSON the reply must be, then
     * the client's system prompt, verbatim.
     */
    String systemPrompt(ChatRequest request) {
        StringBuilder prompt = new StringBuilder(CHAT_PROMPT);
        if (!request.tools().tools().isEmpty()) prompt.append("\n\n").append(toolPrompt.render(request.tools().tools(), request.tools().choice()).strip());
        if (request.format().json()) prompt.append("\n\n").append(formatInstruction(request.format()));
        String clientSystem = request.system();
        if (clientSystem != null && !clientSystem.isBlank()) {
            prompt.append("\n\nThe conversation's own system prompt follows. Follow it.\n\n").append(clientSystem);
        }
        return prompt.toString();
    }

    /** What the model is told when the reply must be JSON: the gateway checks it afterwards. */
    private String formatInstruction(OutputFormat format) {
        String rule = "# Output format\n\nThis reply is read by a program: write into `code` one valid JSON ";
        if (format.kind() == OutputFormat.Kind.JSON_OBJECT) return rule + "object and nothing else: no prose, no code fences.";
        try {
            return rule + "value that conforms to this JSON Schema, and nothing else (no prose, no code fences):\n"
                    + json.writeValueAsString(format.schema());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    static List<FragmentsRequest.Message> messages(List<ChatRequest.Message> messages) {
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

    /**
     * Each parameter within the provider's rules: clamped, dropped where refused, one of an exclusive
     * pair. Without a client temperature the provider's default goes (the upstream's SDK would send 0).
     */
    private static FragmentsRequest.Settings settings(ChatRequest request, String system, String apiKey) {
        ParameterRules rules = request.model().rules();
        ChatRequest.Sampling s = request.sampling();
        double wanted = s.temperature() != null ? s.temperature() : rules.defaultTemperature();
        Double temperature = rules.sends("temperature") ? clamp(wanted, 0, rules.temperature()) : null;
        Double topP = s.topP() == null || !rules.sends("topP") ? null : clamp(s.topP(), 0, rules.topP());
        // A temperature always goes (the client's, the provider's default, or the SDK's 0), so an exclusive pair is temperature.
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
