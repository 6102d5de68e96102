package dev.e2bgateway.gemini;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.models.ModelRegistry;
import dev.e2bgateway.models.ModelSpec;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * The Gemini door's model names: a name of the catalog answers as itself; any other (Google's
 * names change often: {@code gemini-2.5-flash}, {@code gemini-3.1-pro-preview}, ...) goes to the
 * operator's {@code E2B_GEMINI_MODEL} when set, else it is a 404. A reply's {@code modelVersion}
 * names the model that answered.
 */
public final class GeminiModels {

    static final String PREFIX = "models/";

    private final Supplier<ModelRegistry> models; // the registry of the moment: a reload swaps it
    private final String defaultModel;

    /** @param defaultModel the catalog id unknown names go to (E2B_GEMINI_MODEL); null: none */
    public GeminiModels(Supplier<ModelRegistry> models, String defaultModel) {
        this.models = models;
        this.defaultModel = defaultModel;
    }

    /** The model a request for {@code name} runs on ({@code models/} prefix allowed). */
    ModelSpec resolve(String name) {
        String id = bare(name);
        ModelRegistry registry = models.get();
        // The upstream's own Gemini ids carry Google's "models/" prefix (models/gemini-2.0-flash),
        // which clients leave out of the path: either spelling finds them.
        return registry.find(id)
                .or(() -> registry.find(PREFIX + id))
                .or(() -> defaultModel == null ? Optional.empty() : registry.find(defaultModel))
                .orElseThrow(() -> unknown(id));
    }

    private ApiError unknown(String id) {
        return new ApiError(ApiError.Kind.NOT_FOUND, "model", "model_not_found", "The model '" + id + "' is not one this gateway"
                + " serves (GET /v1beta/models lists them)." + (defaultModel == null
                ? " The operator can name the model that answers every other Gemini name with E2B_GEMINI_MODEL."
                : " E2B_GEMINI_MODEL names '" + defaultModel + "', which the catalog no longer has."), false, null);
    }

    static String bare(String name) {
        return name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
    }

    /** {@code GET .../models}: the listed models in Google's shape. */
    public ObjectNode list(ObjectMapper json) {
        ObjectNode body = json.createObjectNode();
        ArrayNode list = body.putArray("models");
        for (ModelSpec model : models.get().listed()) list.add(model(json, model));
        return body;
    }

    /** {@code GET .../models/{model}}: any model that answers when called, by the same rule as a request. */
    public ObjectNode get(ObjectMapper json, String name) {
        ObjectNode model = model(json, resolve(name));
        model.put("name", PREFIX + bare(name)); // the name asked for: what a client calls it by
        return model;
    }

    private static ObjectNode model(ObjectMapper json, ModelSpec model) {
        ObjectNode m = json.createObjectNode()
                .put("name", PREFIX + bare(model.id()))
                .put("baseModelId", bare(model.id()))
                .put("version", model.answeredBy())
                .put("displayName", model.name() == null ? model.id() : model.name())
                .put("description", "Served by " + model.providerId() + " through the E2B gateway.");
        m.putArray("supportedGenerationMethods").add("generateContent").add("streamGenerateContent").add("countTokens");
        return m;
    }
}
