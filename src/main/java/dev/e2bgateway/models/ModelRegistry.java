package dev.e2bgateway.models;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.models.Limits.LimitsPatch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The models the gateway serves, by client-facing id, in catalog order. */
public final class ModelRegistry {

    /** Models listed before 2025 get this {@code created} unless their entry says otherwise. */
    private static final long DEFAULT_CREATED = 1_735_689_600L; // 2025-01-01T00:00:00Z

    private final Map<String, ModelSpec> byId;

    public ModelRegistry(Collection<ModelSpec> models) {
        Map<String, ModelSpec> map = new LinkedHashMap<>();
        models.forEach(m -> map.put(m.id(), m));
        this.byId = Collections.unmodifiableMap(map);
    }

    /** The built-in catalog shipped in the jar ({@code models.json}). */
    public static ModelRegistry builtIn(ObjectMapper json) {
        try (InputStream in = ModelRegistry.class.getResourceAsStream("models.json")) {
            Catalog catalog = json.readValue(in, Catalog.class);
            return new ModelRegistry(catalog.models().stream().map(e -> e.toSpec(catalog.providers())).toList());
        } catch (IOException e) {
            throw new UncheckedIOException("the built-in model catalog is unreadable", e);
        }
    }

    public Optional<ModelSpec> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public Collection<ModelSpec> all() {
        return byId.values();
    }

    /** The shape of models.json: limits per provider, then the models. */
    record Catalog(Map<String, LimitsPatch> providers, List<Entry> models) {}

    record Entry(String id, String upstreamId, String provider, String providerId, String name,
                 Boolean multiModal, LimitsPatch limits, Long created) {

        ModelSpec toSpec(Map<String, LimitsPatch> providerLimits) {
            Limits merged = Limits.DEFAULT.with(providerLimits.get(providerId)).with(limits);
            return new ModelSpec(id, upstreamId != null ? upstreamId : id, provider, providerId,
                    name != null ? name : id, multiModal == null || multiModal, merged,
                    created != null ? created : DEFAULT_CREATED);
        }
    }
}
