package dev.e2bgateway.api;

import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.http.JsonResponses;
import dev.e2bgateway.models.ModelRegistry;
import io.javalin.http.Context;

import java.util.function.Supplier;

/**
 * {@code GET /v1/models} (the listed models, in menu order) and {@code GET /v1/models/{id}}
 * (any model that answers when called, listed or not: a client that names one may look it up);
 * ids may contain '/'.
 */
public final class ModelsEndpoint {

    private final Supplier<ModelRegistry> models; // the registry of the moment: a reload swaps it
    private final JsonResponses json;

    public ModelsEndpoint(Supplier<ModelRegistry> models, JsonResponses json) {
        this.models = models;
        this.json = json;
    }

    public void list(Context ctx) {
        json.write(ctx, ModelObject.ListBody.of(models.get().listed().stream().map(ModelObject::of).toList()));
    }

    public void get(Context ctx) {
        String id = ctx.pathParam("id");
        json.write(ctx, models.get().find(id).map(ModelObject::of).orElseThrow(() -> ApiError.modelNotFound(id)));
    }
}
