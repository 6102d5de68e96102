package dev.e2bgateway.models;

import dev.e2bgateway.config.ProviderKeys;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The models the gateway serves, by client-facing id (aliases included), in catalog order, and the catalog's provider keys. */
public final class ModelRegistry {

    private final Map<String, ModelSpec> byId;
    private final ProviderKeys providerKeys;

    public ModelRegistry(Collection<ModelSpec> models, ProviderKeys providerKeys) {
        Map<String, ModelSpec> map = new LinkedHashMap<>();
        models.forEach(m -> map.put(m.id(), m));
        this.byId = Collections.unmodifiableMap(map);
        this.providerKeys = providerKeys;
    }

    public Optional<ModelSpec> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public Collection<ModelSpec> all() {
        return byId.values();
    }

    /** Provider keys given in the models file ({@code providers.<id>.apiKey}). */
    public ProviderKeys providerKeys() {
        return providerKeys;
    }
}
