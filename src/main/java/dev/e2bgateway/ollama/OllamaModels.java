package dev.e2bgateway.ollama;

import dev.e2bgateway.dialect.JsonBytes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.json.Fields;
import dev.e2bgateway.models.ModelRegistry;
import dev.e2bgateway.models.ModelSpec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * What Ollama apps ask about models: {@code GET /api/tags} (the gateway's listed models, each with
 * the {@code details} apps show), {@code POST /api/show} (with {@code capabilities}: completion and
 * tools for every model, vision where it takes images), {@code GET /api/ps} (nothing is loaded
 * here: empty) and {@code GET /api/version}. The model-management calls (pull, push, create, copy,
 * delete) and embeddings are refused in Ollama's shape: {@link #refused}.
 */
public final class OllamaModels {

    /**
     * The Ollama version reported: one whose API has what this door serves (tools, structured
     * output with a schema, {@code think}), so apps that check a minimum version go ahead.
     */
    public static final String VERSION = "0.12.6";

    private final ObjectMapper json;
    private final Supplier<ModelRegistry> models;

    public OllamaModels(ObjectMapper json, Supplier<ModelRegistry> models) {
        this.json = json;
        this.models = models;
    }

    public byte[] tags() {
        ObjectNode body = json.createObjectNode();
        ArrayNode list = body.putArray("models");
        for (ModelSpec model : models.get().listed()) {
            ObjectNode entry = list.addObject().put("name", model.id()).put("model", model.id())
                    .put("modified_at", modified(model)).put("size", 0).put("digest", digest(model));
            entry.set("details", details(model));
        }
        return bytes(body);
    }

    /** {@code /api/show} of {@code model} (or the older {@code name}): a 404 in Ollama's words for one not served. */
    public byte[] show(byte[] request) {
        JsonNode root = Fields.readObject(json, request);
        String name = RequestFields.modelName(root);
        ModelSpec model = RequestFields.model(name, models.get());
        ObjectNode body = json.createObjectNode().put("license", "").put("modelfile", "# served by e2b-gateway\nFROM " + model.id() + "\n")
                .put("parameters", "").put("template", "{{ .Prompt }}");
        body.set("details", details(model));
        body.putObject("model_info").put("general.architecture", model.providerId()).put("general.basename", model.name());
        ArrayNode capabilities = body.putArray("capabilities").add("completion").add("tools");
        if (model.multiModal()) capabilities.add("vision");
        return bytes(body.put("modified_at", modified(model)));
    }

    public byte[] ps() {
        ObjectNode body = json.createObjectNode();
        body.putArray("models");
        return bytes(body);
    }

    public byte[] version() {
        return bytes(json.createObjectNode().put("version", VERSION));
    }

    /**
     * A model-management call or an embedding request: a 403 for what only the operator decides
     * (pull, push, create, copy, delete), a 400 for embeddings (as Ollama answers a model that does
     * not embed), each saying what to do instead.
     */
    public static ApiError refused(String operation) {
        if (operation.startsWith("embed")) {
            return ApiError.invalidRequest("model", "this gateway serves chat models only: none of them makes embeddings");
        }
        return new ApiError(ApiError.Kind.PERMISSION, null, "model_management_unsupported", operation + " is not offered: this gateway"
                + " serves a fixed set of models, set by its operator (E2B_MODELS_FILE); GET /api/tags lists them", false, null);
    }

    /**
     * Plausible {@code details}: the provider as the family, and {@code clip} among the families of a
     * model that takes images, which is how several apps tell a vision model.
     */
    private ObjectNode details(ModelSpec model) {
        ObjectNode details = json.createObjectNode().put("parent_model", "").put("format", "api").put("family", model.providerId());
        ArrayNode families = details.putArray("families").add(model.providerId());
        if (model.multiModal()) families.add("clip");
        return details.put("parameter_size", "").put("quantization_level", "");
    }

    private static String modified(ModelSpec model) {
        return Instant.ofEpochSecond(model.created()).toString();
    }

    /** A stable digest per model id, in Ollama's form (64 hex digits), for apps that key their caches by it. */
    private static String digest(ModelSpec model) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(model.id().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private byte[] bytes(ObjectNode body) {
        return JsonBytes.of(json, body);
    }
}
