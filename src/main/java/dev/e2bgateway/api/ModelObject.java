package dev.e2bgateway.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.e2bgateway.models.ModelSpec;

import java.util.List;

/** A {@code model} object of {@code GET /v1/models}. */
public record ModelObject(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {

    public static ModelObject of(ModelSpec model) {
        return new ModelObject(model.id(), "model", model.created(), model.providerId());
    }

    public record ListBody(String object, List<ModelObject> data) {
        public static ListBody of(List<ModelObject> data) {
            return new ListBody("list", data);
        }
    }
}
