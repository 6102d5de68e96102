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
     * as a {@code data:image/...} URL or an {@code http(s)} URL (the upstream's SDK downloads it,
     * or hands it to a provider that fetches URLs itself).
     */
    public static ChatRequest.Image image(String url, ModelSpec model, boolean inUserMessage, String path, String urlPath) {
        if (!inUserMessage) throw ApiError.invalidRequest(path, path + ": images are only accepted in user messages.");
        if (!model.multiModal()) {
            throw ApiError.invalidRequest(path, "model_not_multimodal", "The model '" + model.id() + "' does not accept images.");
        }
        String lower = url.toLowerCase(java.util.Locale.ROOT);
        boolean web = lower.startsWith("https://") || lower.startsWith("http://");
        if (!web && !lower.startsWith("data:image/")) {
            throw ApiError.invalidRequest(urlPath, "Images must be http(s) URLs or data: URLs (data:image/png;base64,...).");
        }
        if (web && !model.rules().imageUrls()) {
            // The upstream's SDK fails on image URLs for these providers (docs/models.md, `imageUrls`): ask for inline data.
            throw ApiError.invalidRequest(urlPath, "The model '" + model.id() + "' takes images only inline, as data: URLs"
                    + " (data:image/png;base64,...), not as http(s) URLs.");
        }
        return new ChatRequest.Image(url);
    }
}
