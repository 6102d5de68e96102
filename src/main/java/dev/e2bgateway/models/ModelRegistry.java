package dev.e2bgateway.models;

import dev.e2bgateway.config.ProviderKeys;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The models the gateway serves, by client-facing id (aliases and unlisted ids included), the
 * ones {@code /v1/models} lists in menu order, and the catalog's provider keys.
 */
public final class ModelRegistry {

    private final Map<String, ModelSpec> byId;
    private final List<ModelSpec> listed;
    private final ProviderKeys providerKeys;

    /** @param listed what {@code /v1/models} lists, in its order (a subset of {@code models}) */
    public ModelRegistry(Collection<ModelSpec> models, List<ModelSpec> listed, ProviderKeys providerKeys) {
        Map<String, ModelSpec> map = new LinkedHashMap<>();
        models.forEach(m -> map.put(m.id(), m));
        this.byId = Collections.unmodifiableMap(map);
        this.listed = List.copyOf(listed);
        this.providerKeys = providerKeys;
    }

    /** Every model listed, in the given order. */
    public ModelRegistry(Collection<ModelSpec> models, ProviderKeys providerKeys) {
        this(models, List.copyOf(models), providerKeys);
    }

    public Optional<ModelSpec> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** Every model that answers when called, listed or not. */
    public Collection<ModelSpec> all() {
        return byId.values();
    }

    /** The models {@code GET /v1/models} lists, in menu order. */
    public List<ModelSpec> listed() {
        return listed;
    }

    /** Provider keys given in the models file ({@code providers.<id>.apiKey}). */
    public ProviderKeys providerKeys() {
        return providerKeys;
    }
}
