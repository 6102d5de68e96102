package dev.e2bgateway.gemini;

import dev.e2bgateway.dialect.JsonBytes;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.core.ChatRequest;
import dev.e2bgateway.core.TokenCounter;
import dev.e2bgateway.dialect.Dialect;
import dev.e2bgateway.dialect.ErrorFormat;
import dev.e2bgateway.dialect.Exchange;
import dev.e2bgateway.dialect.Ids;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.json.Fields;

import java.util.Map;

/**
 * The Gemini API ({@code models/{model}:generateContent}, {@code :streamGenerateContent},
 * {@code :countTokens}); the model and the method come from the path (docs/api-gemini.md).
 */
public final class GeminiDialect implements Dialect {

    /** What a {@code models/{model}:method} path asks for. */
    public enum Method { GENERATE, STREAM_SSE, STREAM_JSON, COUNT_TOKENS }

    private final ObjectMapper json;
    private final GeminiParser parser;
    private final GeminiModels models;
    private final TokenCounter tokens;
    private final GeminiErrors errors;

    public GeminiDialect(ObjectMapper json, GeminiModels models, TokenCounter tokens) {
        this.json = json;
        this.models = models;
        this.parser = new GeminiParser(json, models);
        this.tokens = tokens;
        this.errors = new GeminiErrors(json);
    }

    /** A body that names its model ({@code "model": "models/..."}, as GenerateContentRequest may): not streamed. */
    @Override
    public Exchange parse(byte[] body, String keyName) {
        return exchange(Fields.requiredString(Fields.readObject(json, body), "model"), Method.GENERATE, body);
    }

    /** The exchange for {@code model} and a generate method. */
    public Exchange exchange(String model, Method method, byte[] body) {
        if (method == Method.COUNT_TOKENS) throw new IllegalArgumentException("countTokens is no chat");
        ChatRequest request = parser.parse(model, body);
        String id = Ids.next("");
        String version = request.model().answeredBy();
        GeminiEvents.Framing framing = method == Method.STREAM_JSON ? GeminiEvents.Framing.JSON_ARRAY : GeminiEvents.Framing.SSE;
        return new Exchange(request, method != Method.GENERATE, true, // every response carries usageMetadata
                reply -> bytes(new GeminiEvents(json, id, version, framing).response(reply.text(), reply.calls(), reply.finish())),
                () -> new GeminiEvents(json, id, version, framing));
    }

    /** {@code :countTokens}: {@code contents} (or {@code generateContentRequest}) counted as the upstream would see them. */
    public byte[] countTokens(String model, byte[] body) {
        return bytes(Map.of("totalTokens", tokens.promptTokens(parser.parse(model, body))));
    }

    /** {@code {model}:{method}} of a path, checked. */
    public static Method method(String name, String alt) {
        return switch (name) {
            case "generateContent" -> Method.GENERATE;
            case "streamGenerateContent" -> "sse".equals(alt) ? Method.STREAM_SSE : Method.STREAM_JSON;
            case "countTokens" -> Method.COUNT_TOKENS;
            default -> throw ApiError.notFound("POST", "models/{model}:" + name
                    + " (this gateway serves generateContent, streamGenerateContent and countTokens)");
        };
    }

    /** {@code GET .../models}. */
    public byte[] listModels() {
        return bytes(models.list(json));
    }

    /** {@code GET .../models/{model}}. */
    public byte[] model(String name) {
        return bytes(models.get(json, name));
    }

    @Override
    public ErrorFormat errors() {
        return errors;
    }

    private byte[] bytes(Object body) {
        return JsonBytes.of(json, body);
    }
}
