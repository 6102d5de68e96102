package dev.e2bgateway.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.e2bgateway.config.ConfigException;
import dev.e2bgateway.config.ProviderKeys;
import dev.e2bgateway.models.ParameterRules.Patch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads model catalogs: the built-in {@code models.json} and, optionally, a user's models file
 * ({@code E2B_MODELS_FILE}) that adds models, overrides built-in ones field by field, removes
 * some, routes ids to other models, defines aliases and says which ids {@code /v1/models} lists
 * (see {@link Listing}). Each provider and each model may carry
 * {@link ParameterRules} (a model's override its provider's, field by field); a provider may
 * carry an {@code apiKey}. Every problem stops startup with a message naming the file, the entry
 * and the field.
 */
public final class ModelCatalog {

    /** Models listed without a date get this {@code created}. */
    private static final long DEFAULT_CREATED = 1_735_689_600L; // 2025-01-01T00:00:00Z

    private final ObjectMapper json;

    public ModelCatalog(ObjectMapper json) {
        this.json = json;
    }

    /** The built-in catalog with {@code modelsFile} applied on top (null: none). */
    public ModelRegistry load(Path modelsFile) {
        return load(modelsFile, null);
    }

    /** As {@link #load(Path)}, with the file's content as read already (null: read it). */
    public ModelRegistry load(Path modelsFile, byte[] content) {
        JsonNode builtIn;
        try (InputStream in = ModelCatalog.class.getResourceAsStream("models.json")) {
            builtIn = json.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("the built-in model catalog is unreadable", e);
        }
        Map<String, Patch> providers = new HashMap<>();
        Map<String, String> keys = new LinkedHashMap<>();
        Map<String, ObjectNode> entries = new LinkedHashMap<>();
        Listing listing = new Listing();
        apply(builtIn, "the built-in catalog", providers, keys, entries, new LinkedHashMap<>(), listing);
        Map<String, String> aliases = new LinkedHashMap<>();
        if (modelsFile != null) {
            JsonNode file;
            try {
                file = json.readTree(content != null ? content : Files.readAllBytes(modelsFile));
            } catch (IOException e) {
                throw new ConfigException("E2B_MODELS_FILE " + modelsFile + ": cannot be read as JSON: "
                        + e.getMessage().lines().findFirst().orElse(""));
            }
            apply(file, "E2B_MODELS_FILE " + modelsFile, providers, keys, entries, aliases, listing);
        }
        String source = modelsFile == null ? "the built-in catalog" : "E2B_MODELS_FILE " + modelsFile;
        Map<String, ModelSpec> models = new LinkedHashMap<>();
        entries.forEach((id, node) -> {
            if (!node.hasNonNull("routeTo")) models.put(id, spec(node, providers));
        });
        entries.forEach((id, node) -> {
            if (!node.hasNonNull("routeTo")) return;
            String target = node.get("routeTo").asText();
            ModelSpec t = models.get(target);
            if (t == null) {
                throw problem(source, "models (" + id + ")", "field 'routeTo' names '" + target
                        + "', which is not a model of the catalog (or is itself routed)");
            }
            // Listed under its own id, answered by its successor: the reply names the model that answered.
            models.put(id, new ModelSpec(id, t.upstreamId(), t.provider(), t.providerId(), node.path("name").asText(id),
                    t.multiModal(), t.rules(), node.has("created") ? node.get("created").asLong() : t.created(), t.id()));
        });
        aliases.forEach((alias, target) -> {
            ModelSpec t = models.get(target);
            models.put(alias, new ModelSpec(alias, t.upstreamId(), t.provider(), t.providerId(), t.name(),
                    t.multiModal(), t.rules(), t.created(), t.routed() ? t.answeredBy() : alias));
        });
        return new ModelRegistry(models.values(), listed(models, entries, aliases, listing, source), new ProviderKeys(keys));
    }

    /**
     * What {@code /v1/models} lists, from the catalogs' top-level {@code list} (an allow-list; the
     * last file's wins), {@code listRetired} and {@code listAliases} (default false), and each
     * entry's {@code listed}. Unlisted ids still answer when called.
     */
    private static final class Listing {
        List<String> allow; // null: no allow-list
        boolean retired;
        boolean aliases;
    }

    /**
     * The listed models, sorted for a chat UI's menu: by provider, then name, then id. Without an
     * allow-list: every model whose entry does not say {@code "listed": false}, except retired ids
     * (routed to a successor) and aliases unless asked for; an entry's {@code "listed": true} lists
     * even a retired id.
     */
    private static List<ModelSpec> listed(Map<String, ModelSpec> models, Map<String, ObjectNode> entries, Map<String, String> aliases,
                                          Listing listing, String source) {
        List<ModelSpec> out = new ArrayList<>();
        if (listing.allow != null) {
            for (int i = 0; i < listing.allow.size(); i++) {
                ModelSpec m = models.get(listing.allow.get(i));
                if (m == null) throw problem(source, "list[" + i + "]", "names no known model: \"" + listing.allow.get(i) + "\"");
                if (!out.contains(m)) out.add(m);
            }
        } else {
            models.forEach((id, m) -> {
                ObjectNode entry = entries.get(id);
                boolean listed = entry != null && entry.has("listed") ? entry.get("listed").asBoolean()
                        : aliases.containsKey(id) ? listing.aliases
                        : !entry.hasNonNull("routeTo") || listing.retired;
                if (listed) out.add(m);
            });
        }
        out.sort(MENU_ORDER);
        return out;
    }

    private static final Comparator<ModelSpec> MENU_ORDER = Comparator
            .comparing((ModelSpec m) -> m.provider().toLowerCase(Locale.ROOT))
            .thenComparing(ModelSpec::providerId)
            .thenComparing(m -> m.name().toLowerCase(Locale.ROOT))
            .thenComparing(ModelSpec::id);

    private void apply(JsonNode root, String source, Map<String, Patch> providers, Map<String, String> keys,
                       Map<String, ObjectNode> entries, Map<String, String> aliases, Listing listing) {
        if (root == null || !root.isObject()) throw problem(source, "the top level", "must be a JSON object");
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!Set.of("providers", "models", "remove", "aliases", "list", "listRetired", "listAliases").contains(key)) {
                throw problem(source, "'" + key + "'", "is not a known section (providers, models, remove, aliases, list,"
                        + " listRetired, listAliases)");
            }
        }
        for (String flag : List.of("listRetired", "listAliases")) {
            if (root.has(flag) && !root.get(flag).isBoolean()) throw problem(source, "'" + flag + "'", "must be true or false");
        }
        if (root.has("listRetired")) listing.retired = root.get("listRetired").asBoolean();
        if (root.has("listAliases")) listing.aliases = root.get("listAliases").asBoolean();
        JsonNode list = root.path("list");
        if (!list.isMissingNode()) {
            if (!list.isArray()) throw problem(source, "'list'", "must be an array of model ids");
            List<String> allow = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                if (!list.get(i).isTextual()) throw problem(source, "list[" + i + "]", "must be a model id");
                allow.add(list.get(i).asText());
            }
            listing.allow = allow;
        }
        JsonNode providerNode = root.path("providers");
        if (!providerNode.isMissingNode()) {
            if (!providerNode.isObject()) throw problem(source, "'providers'", "must be an object of provider id to rules");
            providerNode.fields().forEachRemaining(p -> {
                String where = "providers." + p.getKey();
                Providers.requireKnown(p.getKey(), known -> problem(source, where, "is not a provider the upstream knows " + known));
                if (!p.getValue().isObject()) throw problem(source, where, "must be an object");
                ObjectNode rules = ((ObjectNode) p.getValue()).deepCopy();
                JsonNode key = rules.remove("apiKey");
                if (key != null) {
                    if (!key.isTextual() || key.asText().isBlank()) throw problem(source, where, "field 'apiKey' must be a non-empty string");
                    keys.put(p.getKey(), key.asText().trim());
                }
                Patch patch = rules(rules, source, where);
                providers.merge(p.getKey(), patch, ModelCatalog::merge);
            });
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
                JsonNode ownRules = entry.has("rules") ? entry.get("rules") : entry.get("limits");
                String rulesField = entry.has("rules") ? "rules" : "limits";
                if (ownRules != null) {
                    if (!ownRules.isObject()) throw problem(source, where + "." + rulesField, "must be an object");
                    rules(ownRules, source, where + "." + rulesField); // validated here, where the file and entry are known
                    // Rules merge field by field with the entry they override.
                    ObjectNode mergedRules = merged.has("rules") ? ((ObjectNode) merged.get("rules")).deepCopy() : json.createObjectNode();
                    ownRules.fields().forEachRemaining(f -> mergedRules.set(f.getKey(), f.getValue()));
                    merged.set("rules", mergedRules);
                }
                entry.fields().forEachRemaining(f -> {
                    if (!f.getKey().equals("rules") && !f.getKey().equals("limits")) merged.set(f.getKey(), f.getValue());
                });
                if (entry.has("upstreamId") && !entry.has("routeTo")) merged.remove("routeTo"); // an explicit upstream id ends a route
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
        if (e.hasNonNull("routeTo")) {
            if (!e.get("routeTo").isTextual() || e.get("routeTo").asText().isBlank()) {
                throw problem(source, where, "field 'routeTo' must be a model id");
            }
        } else {
            for (String field : List.of("provider", "providerId")) {
                if (!e.path(field).isTextual() || e.get(field).asText().isBlank()) {
                    throw problem(source, where, "field '" + field + "' is missing or not a string");
                }
            }
            String providerId = e.get("providerId").asText();
            Providers.requireKnown(providerId, known -> problem(source, where, "field 'providerId' is '" + providerId
                    + "', not one the upstream knows " + known));
        }
        for (String field : List.of("upstreamId", "name")) {
            if (e.has(field) && !e.get(field).isTextual()) throw problem(source, where, "field '" + field + "' must be a string");
        }
        if (e.has("multiModal") && !e.get("multiModal").isBoolean()) throw problem(source, where, "field 'multiModal' must be true or false");
        if (e.has("listed") && !e.get("listed").isBoolean()) throw problem(source, where, "field 'listed' must be true or false");
        if (e.has("created") && !e.get("created").canConvertToLong()) throw problem(source, where, "field 'created' must be Unix seconds");
    }

    private static final Set<String> NUMBER_RULES = Set.of("temperature", "topP", "topK", "frequencyPenalty", "presencePenalty",
            "maxTokens", "reasoningTokens", "defaultTemperature");

    private Patch rules(JsonNode node, String source, String where) {
        if (!node.isObject()) throw problem(source, where, "must be an object");
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode v = f.getValue();
            if (NUMBER_RULES.contains(f.getKey())) {
                if (!v.isNumber() || v.asDouble() < 0) throw problem(source, where, "field '" + f.getKey() + "' must be a non-negative number");
            } else if (f.getKey().equals("exclusiveSampling") || f.getKey().equals("imageUrls")) {
                if (!v.isBoolean()) throw problem(source, where, "field '" + f.getKey() + "' must be true or false");
            } else if (f.getKey().equals("unsupported")) {
                if (!v.isArray()) throw problem(source, where, "field 'unsupported' must be an array of parameter names");
                for (JsonNode p : v) {
                    if (!ParameterRules.PARAMETERS.contains(p.asText(null))) {
                        throw problem(source, where, "field 'unsupported' names " + p + ", not one of "
                                + ParameterRules.PARAMETERS.stream().sorted().toList());
                    }
                }
            } else {
                throw problem(source, where, "field '" + f.getKey() + "' is not a rule (temperature, topP, topK, frequencyPenalty,"
                        + " presencePenalty, maxTokens, exclusiveSampling, unsupported, reasoningTokens, imageUrls, defaultTemperature)");
            }
        }
        Set<String> unsupported = null;
        if (node.has("unsupported")) {
            unsupported = new HashSet<>();
            for (JsonNode p : node.get("unsupported")) unsupported.add(p.asText());
            unsupported = Set.copyOf(unsupported);
        }
        return new Patch(dbl(node, "temperature"), dbl(node, "topP"), integer(node, "topK"),
                dbl(node, "frequencyPenalty"), dbl(node, "presencePenalty"), integer(node, "maxTokens"),
                node.has("exclusiveSampling") ? node.get("exclusiveSampling").asBoolean() : null,
                unsupported, integer(node, "reasoningTokens"),
                node.has("imageUrls") ? node.get("imageUrls").asBoolean() : null, dbl(node, "defaultTemperature"));
    }

    /** {@code over}'s fields over {@code base}'s. */
    private static Patch merge(Patch base, Patch over) {
        return new Patch(
                over.temperature() != null ? over.temperature() : base.temperature(),
                over.topP() != null ? over.topP() : base.topP(),
                over.topK() != null ? over.topK() : base.topK(),
                over.frequencyPenalty() != null ? over.frequencyPenalty() : base.frequencyPenalty(),
                over.presencePenalty() != null ? over.presencePenalty() : base.presencePenalty(),
                over.maxTokens() != null ? over.maxTokens() : base.maxTokens(),
                over.exclusiveSampling() != null ? over.exclusiveSampling() : base.exclusiveSampling(),
                over.unsupported() != null ? over.unsupported() : base.unsupported(),
                over.reasoningTokens() != null ? over.reasoningTokens() : base.reasoningTokens(),
                over.imageUrls() != null ? over.imageUrls() : base.imageUrls(),
                over.defaultTemperature() != null ? over.defaultTemperature() : base.defaultTemperature());
    }

    private ModelSpec spec(ObjectNode e, Map<String, Patch> providers) {
        String id = e.get("id").asText();
        String providerId = e.get("providerId").asText();
        Patch own = e.has("rules") ? rules(e.get("rules"), "", "") : null;
        return new ModelSpec(id, e.path("upstreamId").asText(id), e.get("provider").asText(), providerId,
                e.path("name").asText(id), e.path("multiModal").asBoolean(true),
                ParameterRules.DEFAULT.with(providers.get(providerId)).with(own),
                e.has("created") ? e.get("created").asLong() : DEFAULT_CREATED, id);
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
