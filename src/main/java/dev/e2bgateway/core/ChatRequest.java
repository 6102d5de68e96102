package dev.e2bgateway.core;

import dev.e2bgateway.models.ModelSpec;

import java.util.List;

/**
 * A chat request as the core understands it, whichever API it came in through: already
 * validated, the model resolved, system prompts gathered into {@code system}, earlier tool
 * calls and results written into the messages as text (docs/tool-calls.md).
 *
 * @param requestedModel the model name the client used (for logs and metrics)
 * @param maxTokens      the reply's token limit, or null
 * @param stop           stop sequences (empty: none)
 * @param tools          the tools offered and the tool choice ({@link ToolUse#NONE}: none)
 * @param format         what the reply must be (text, a JSON object, JSON of a schema)
 */
public record ChatRequest(String requestedModel, ModelSpec model, String system, List<Message> messages,
                          Sampling sampling, Integer maxTokens, List<String> stop, ToolUse tools, OutputFormat format) {

    public ChatRequest {
        system = system == null ? null : Texts.wellFormed(system);
    }

    /** A plain chat: no tools, free text. */
    public ChatRequest(String requestedModel, ModelSpec model, String system, List<Message> messages,
                       Sampling sampling, Integer maxTokens, List<String> stop) {
        this(requestedModel, model, system, messages, sampling, maxTokens, stop, ToolUse.NONE, OutputFormat.TEXT);
    }

    public enum Role { USER, ASSISTANT }

    public record Message(Role role, List<Part> parts) {}

    public sealed interface Part permits Text, Image {}

    /** The text of {@code parts}, joined by blank lines; images left out. */
    public static String textOf(List<Part> parts) {
        StringBuilder text = new StringBuilder();
        for (Part p : parts) {
            if (p instanceof Text t) {
                if (!text.isEmpty()) text.append("\n\n");
                text.append(t.text());
            }
        }
        return text.toString();
    }

    /** Text as sent, but well-formed: half a surrogate pair becomes U+FFFD (see {@link Texts#wellFormed}). */
    public record Text(String text) implements Part {
        public Text {
            text = Texts.wellFormed(text);
        }
    }

    /** An image as a {@code data:} URL or an {@code http(s)} URL (the upstream's SDK downloads it). */
    public record Image(String url) implements Part {}

    /** Sampling parameters as the client sent them (null: not sent); clamped on the way upstream. */
    public record Sampling(Double temperature, Double topP, Integer topK, Double frequencyPenalty,
                           Double presencePenalty) {
        public static final Sampling NONE = new Sampling(null, null, null, null, null);
    }
}
