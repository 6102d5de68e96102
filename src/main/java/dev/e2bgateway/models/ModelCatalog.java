package dev.e2bgateway.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.e2bgateway.config.ConfigException;
import dev.e2bgateway.models.Limits.LimitsPatch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads model catalogs: the built-in {@code models.json} and, optionally, a user's models file
 * ({@code E2B_MODELS_FILE}) that adds models, overrides built-in ones field by field, removes
 * some and defines aliases. Every problem stops startup with a message naming the file, the
 * entry and the field.
 */
public final class ModelCatalog {

    /** The provider ids the upstream can route to (shared/docs/e2b-upstream.md). */
    static final Set<String> PROVIDER_IDS = Set.of("anthropic", "openai", "google", "vertex", "mistral", "groq",
            "togetherai", "fireworks", "xai", "deepseek", "ollama");

    /** Models listed without a date get this {@code created}. */
    private static final long DEFAULT_CREATED = 1_735_689_600L; // 2025-01-01T00:00:00Z

    private final ObjectMapper json;

    public ModelCatalog(ObjectMapper json) {
        this.json = json;
    }

    /** The built-in catalog: the seed's twelve models and the upstream's current catalog. */
    public ModelRegistry builtIn() {
        return load(null);
    }

    /** The built-in catalog with {@code modelsFile} applied on top (null: none). */
    public ModelRegistry load(Path modelsFile) {
        JsonNode builtIn;
        try (InputStream in = ModelCatalog.class.getResourceAsStream("models.json")) {
            builtIn = json.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("the built-in model catalog is unreadable", e);
        }
        Map<String, LimitsPatch> providers = new HashMap<>();
        Map<String, ObjectNode> entries = new LinkedHashMap<>();
        apply(builtIn, "the built-in catalog", providers, entries, Map.of());
        Map<String, String> aliases = new LinkedHashMap<>();
        if (modelsFile != null) {
            JsonNode file;
            try {
                file = json.readTree(Files.readAllBytes(modelsFile));
            } catch (IOException e) {
                throw new ConfigException("E2B_MODELS_FILE " + modelsFile + ": cannot be read as JSON: "
                        + e.getMessage().lines().findFirst().orElse(""));
            }
            apply(file, "E2B_MODELS_FILE " + modelsFile, providers, entries, aliases);
        }
        Map<String, ModelSpec> models = new LinkedHashMap<>();
        entries.forEach((id, node) -> models.put(id, spec(node, providers)));
        aliases.forEach((alias, target) -> {
            ModelSpec t = models.get(target);
            models.put(alias, new ModelSpec(alias, t.upstreamId(), t.provider(), t.providerId(), t.name(),
                    t.multiModal(), t.limits(), t.created()));
        });
        return new ModelRegistry(models.values());
    }

    private void apply(JsonNode root, String source, Map<String, LimitsPatch> providers,
                       Map<String, ObjectNode> entries, Map<String, String> aliases) {
        if (root == null || !root.isObject()) throw problem(source, "the top level", "must be a JSON object");
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!Set.of("providers", "models", "remove", "aliases").contains(key)) {
                throw problem(source, "'" + key + "'", "is not a known section (providers, models, remove, aliases)");
            }
        }
        JsonNode providerNode = root.path("providers");
        if (!providerNode.isMissingNode()) {
            if (!providerNode.isObject()) throw problem(source, "'providers'", "must be an object of provider id to limits");
            providerNode.fields().forEachRemaining(p -> providers.put(p.getKey(),
                    limits(p.getValue(), source, "providers." + p.getKey())));
        }
        JsonNode remove = root.path("remove");
        if (!remove.isMissingNode()) {
            if (!remove.isArray()) throw problem(source, "'remove'", "must be an array of model ids");
            for (int i = 0; i < remove.size(); i++) {
                String id = remove.get(i).asText(null);
                if (!remove.get(i).isTextual() || entries.remove(id) == null) {
                    throw problem(source, "remove[" + i + "]", "names no known model: " + remove.get(i));
                }
            }
        }
        JsonNode models = root.path("models");
        if (!models.isMissingNode()) {
            if (!models.isArray()) throw problem(source, "'models'", "must be an array of model entries");
            for (int i = 0; i < models.size(); i++) {
                JsonNode entry = models.get(i);
                String where = "models[" + i + "]";
                if (!entry.isObject()) throw problem(source, where, "must be an object");
                JsonNode id = entry.get("id");
                if (id == null || !id.isTextual() || id.asText().isBlank()) throw problem(source, where, "field 'id' is missing or not a string");
                where += " (" + id.asText() + ")";
                ObjectNode merged = entries.containsKey(id.asText()) ? entries.get(id.asText()).deepCopy() : json.createObjectNode();
                entry.fields().forEachRemaining(f -> merged.set(f.getKey(), f.getValue()));
                validate(merged, source, where);
                entries.put(id.asText(), merged);
            }
        }
        JsonNode aliasNode = root.path("aliases");
        if (!aliasNode.isMissingNode()) {
            if (!aliasNode.isObject()) throw problem(source, "'aliases'", "must be an object of alias to model id");
            aliasNode.fields().forEachRemaining(a -> {
                String target = a.getValue().asText(null);
                if (!a.getValue().isTextual() || !entries.containsKey(target)) {
                    throw problem(source, "aliases." + a.getKey(), "points to no known model: " + a.getValue());
                }
                if (entries.containsKey(a.getKey())) throw problem(source, "aliases." + a.getKey(), "is already a model id");
                aliases.put(a.getKey(), target);
            });
        }
    }

    private void validate(ObjectNode e, String source, String where) {
        for (String field : List.of("provider", "providerId")) {
            if (!e.path(field).isTextual() || e.get(field).asText().isBlank()) {
                throw problem(source, where, "field '" + field + "' is missing or not a string");
            }
        }
        if (!PROVIDER_IDS.contains(e.get("providerId").asText())) {
            throw problem(source, where, "field 'providerId' is '" + e.get("providerId").asText()
                    + "', not one the upstream knows " + PROVIDER_IDS.stream().sorted().toList());
        }
        for (String field : List.of("upstreamId", "name")) {
            if (e.has(field) && !e.get(field).isTextual()) throw problem(source, where, "field '" + field + "' must be a string");
        }
        if (e.has("multiModal") && !e.get("multiModal").isBoolean()) throw problem(source, where, "field 'multiModal' must be true or false");
        if (e.has("created") && !e.get("created").canConvertToLong()) throw problem(source, where, "field 'created' must be Unix seconds");
        if (e.has("limits")) limits(e.get("limits"), source, where + ".limits");
    }

    private LimitsPatch limits(JsonNode node, String source, String where) {
        if (!node.isObject()) throw problem(source, where, "must be an object");
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!Set.of("temperature", "topP", "topK", "frequencyPenalty", "presencePenalty", "maxTokens").contains(f.getKey())) {
                throw problem(source, where, "field '" + f.getKey() + "' is not a limit (temperature, topP, topK, "
                        + "frequencyPenalty, presencePenalty, maxTokens)");
            }
            if (!f.getValue().isNumber() || f.getValue().asDouble() < 0) {
                throw problem(source, where, "field '" + f.getKey() + "' must be a non-negative number");
            }
        }
        return new LimitsPatch(dbl(node, "temperature"), dbl(node, "topP"), integer(node, "topK"),
                dbl(node, "frequencyPenalty"), dbl(node, "presencePenalty"), integer(node, "maxTokens"));
    }

    private ModelSpec spec(ObjectNode e, Map<String, LimitsPatch> providers) {
        String id = e.get("id").asText();
        String providerId = e.get("providerId").asText();
        LimitsPatch own = e.has("limits") ? limits(e.get("limits"), "", "") : null;
        return new ModelSpec(id, e.path("upstreamId").asText(id), e.get("provider").asText(), providerId,
                e.path("name").asText(id), e.path("multiModal").asBoolean(true),
                Limits.DEFAULT.with(providers.get(providerId)).with(own),
                e.has("created") ? e.get("created").asLong() : DEFAULT_CREATED);
    }

    private static Double dbl(JsonNode n, String f) {
        return n.has(f) ? n.get(f).asDouble() : null;
    }

    private static Integer integer(JsonNode n, String f) {
        return n.has(f) ? n.get(f).asInt() : null;
    }

    private static ConfigException problem(String source, String where, String what) {
        return new ConfigException(source + ": " + where + " " + what);
    }
}
