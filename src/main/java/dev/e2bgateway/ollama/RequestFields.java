package dev.e2bgateway.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.core.ChatRequest;
import dev.e2bgateway.core.JsonOutput;
import dev.e2bgateway.core.OutputFormat;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.json.Fields;
import dev.e2bgateway.models.ModelRegistry;
import dev.e2bgateway.models.ModelSpec;

import java.util.List;
import java.util.Optional;

/**
 * The fields {@code /api/chat} and {@code /api/generate} share: {@code model}, {@code options},
 * {@code format}, {@code stream} (true unless false), and {@code think} and {@code keep_alive},
 * accepted when well-formed and otherwise ignored (no model here thinks aloud; nothing is loaded).
 */
final class RequestFields {

    /** What {@code options} sets: sampling, the reply's token limit ({@code num_predict}), stop sequences. */
    record Options(ChatRequest.Sampling sampling, Integer maxTokens, List<String> stop) {
        static final Options NONE = new Options(ChatRequest.Sampling.NONE, null, List.of());
    }

    private RequestFields() {
    }

    /** {@code model}, or the older {@code name}. */
    static String modelName(JsonNode root) {
        return Fields.requiredString(root, root.hasNonNull("model") || !root.hasNonNull("name") ? "model" : "name");
    }

    /** The model called {@code name}; a 404 in Ollama's words when the gateway does not serve it. */
    static ModelSpec model(String name, ModelRegistry models) {
        return find(models, name).orElseThrow(() -> OllamaErrors.modelNotFound(name));
    }

    /** The model called {@code name}; a {@code :latest} tag, which Ollama apps add to bare names, names the model without it. */
    static Optional<ModelSpec> find(ModelRegistry models, String name) {
        Optional<ModelSpec> found = models.find(name);
        if (found.isEmpty() && name.endsWith(":latest")) found = models.find(name.substring(0, name.length() - ":latest".length()));
        return found;
    }

    /** Ollama streams unless told not to. */
    static boolean stream(JsonNode root) {
        JsonNode v = root.get("stream");
        if (v == null || v.isNull()) return true;
        if (!v.isBoolean()) throw ApiError.invalidRequest("stream", "'stream' must be true or false.");
        return v.asBoolean();
    }

    /** {@code think}: true, false, "high", "medium" or "low"; accepted, and no thinking is sent (none is made). */
    static void think(JsonNode root) {
        JsonNode v = root.get("think");
        if (v == null || v.isNull() || v.isBoolean()) return;
        if (v.isTextual() && List.of("high", "medium", "low").contains(v.asText())) return;
        throw ApiError.invalidRequest("think", "'think' must be true, false, \"high\", \"medium\" or \"low\".");
    }

    /** {@code keep_alive}: a duration ("5m") or a number of seconds; nothing is kept loaded here, so it changes nothing. */
    static void keepAlive(JsonNode root) {
        JsonNode v = root.get("keep_alive");
        if (v == null || v.isNull() || v.isNumber() || v.isTextual()) return;
        throw ApiError.invalidRequest("keep_alive", "'keep_alive' must be a duration such as \"5m\" or a number of seconds.");
    }

    /** {@code format}: "json" (one JSON object) or a JSON Schema, through the structured-output machinery. */
    static OutputFormat format(JsonNode root, ObjectMapper json) {
        JsonNode v = root.get("format");
        if (v == null || v.isNull() || v.isTextual() && v.asText().isEmpty()) return OutputFormat.TEXT;
        if (v.isTextual() && v.asText().equals("json")) return OutputFormat.JSON_OBJECT;
        if (!v.isObject()) throw ApiError.invalidRequest("format", "'format' must be \"json\" or a JSON Schema object.");
        JsonOutput.compiles(json, v);
        return OutputFormat.schema(null, v, true);
    }

    /**
     * {@code options}: {@code temperature}, {@code top_p}, {@code top_k}, {@code num_predict},
     * {@code stop}, {@code frequency_penalty}, {@code presence_penalty}; {@code seed} and the
     * runner's own ({@code num_ctx}, {@code repeat_penalty}, {@code num_gpu}, ...) are accepted and ignored.
     */
    static Options options(JsonNode root) {
        JsonNode o = root.get("options");
        if (o == null || o.isNull()) return Options.NONE;
        if (!o.isObject()) throw ApiError.invalidRequest("options", "'options' must be an object.");
        ChatRequest.Sampling sampling = new ChatRequest.Sampling(
                Fields.optionalNumber(o, "temperature", 0, 2),
                Fields.optionalNumber(o, "top_p", 0, 1),
                Fields.optionalInt(o, "top_k", 0, Integer.MAX_VALUE),
                Fields.optionalNumber(o, "frequency_penalty", -2, 2),
                Fields.optionalNumber(o, "presence_penalty", -2, 2));
        Fields.optionalInt(o, "seed", Integer.MIN_VALUE, Integer.MAX_VALUE);
        Integer numPredict = Fields.optionalInt(o, "num_predict", -2, Integer.MAX_VALUE);
        if (numPredict != null && numPredict == 0) {
            throw ApiError.invalidRequest("num_predict", "'num_predict' must be -1 (no limit), -2 or at least 1, got 0.");
        }
        Integer maxTokens = numPredict == null || numPredict < 0 ? null : numPredict; // -1 and -2: no limit of the client's
        return new Options(sampling, maxTokens, Fields.stopSequences(o.get("stop"), "stop", 16));
    }
}
