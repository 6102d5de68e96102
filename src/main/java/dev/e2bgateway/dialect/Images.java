package dev.e2bgateway.dialect;

import dev.e2bgateway.core.ChatRequest;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.models.ModelSpec;

/** The checks every dialect makes on an image part before it may reach the upstream. */
public final class Images {

    private Images() {
    }

    /**
     * An image part at {@code path}: only in user messages, only for multimodal models, and only
     * as a {@code data:image/...} URL, the form the upstream takes.
     */
    public static ChatRequest.Image image(String url, ModelSpec model, boolean inUserMessage, String path, String urlPath) {
        if (!inUserMessage) throw ApiError.invalidRequest(path, path + ": images are only accepted in user messages.");
        if (!model.multiModal()) {
            throw ApiError.invalidRequest(path, "model_not_multimodal", "The model '" + model.id() + "' does not accept images.");
        }
        if (!url.startsWith("data:image/")) {
            throw ApiError.invalidRequest(urlPath,
                    "Images must be sent inline as data: URLs (data:image/png;base64,...); the upstream cannot fetch URLs.");
        }
        return new ChatRequest.Image(url);
    }
}
