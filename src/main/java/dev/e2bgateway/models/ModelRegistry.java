package dev.e2bgateway.models;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The models the gateway serves, by client-facing id (aliases included), in catalog order. */
public final class ModelRegistry {

    private final Map<String, ModelSpec> byId;

    public ModelRegistry(Collection<ModelSpec> models) {
        Map<String, ModelSpec> map = new LinkedHashMap<>();
        models.forEach(m -> map.put(m.id(), m));
        this.byId = Collections.unmodifiableMap(map);
    }

    public Optional<ModelSpec> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public Collection<ModelSpec> all() {
        return byId.values();
    }
}
