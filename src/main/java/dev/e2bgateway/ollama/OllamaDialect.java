package dev.e2bgateway.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.dialect.Dialect;
import dev.e2bgateway.dialect.ErrorFormat;
import dev.e2bgateway.dialect.Exchange;
import dev.e2bgateway.json.Fields;
import dev.e2bgateway.models.ModelRegistry;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Ollama's native API: {@code POST /api/chat} or {@code POST /api/generate} (one instance each),
 * streamed as newline-delimited JSON unless {@code stream} is false (docs/api-ollama.md).
 */
public final class OllamaDialect implements Dialect {

    private final ObjectMapper json;
    private final Supplier<ModelRegistry> models;
    private final ReplyLines.Shape shape;
    private final Function<byte[], ChatParser.Parsed> parser;
    private final OllamaErrors errors;

    private OllamaDialect(ObjectMapper json, Supplier<ModelRegistry> models, ReplyLines.Shape shape, Function<byte[], ChatParser.Parsed> parser) {
        this.json = json;
        this.models = models;
        this.shape = shape;
        this.parser = parser;
        this.errors = new OllamaErrors(json);
    }

    /** {@code /api/chat}: messages, tools, images. */
    public static OllamaDialect chat(ObjectMapper json, Supplier<ModelRegistry> models) {
        return new OllamaDialect(json, models, ReplyLines.Shape.CHAT, new ChatParser(json, models)::parse);
    }

    /** {@code /api/generate}: one prompt. */
    public static OllamaDialect generate(ObjectMapper json, Supplier<ModelRegistry> models) {
        return new OllamaDialect(json, models, ReplyLines.Shape.GENERATE, new GenerateParser(json, models)::parse);
    }

    @Override
    public Exchange parse(byte[] body, String keyName) {
        ChatParser.Parsed parsed = parser.apply(body);
        ReplyLines lines = new ReplyLines(json, shape, parsed.request().requestedModel(), System::nanoTime);
        // Every reply's last line counts the prompt's and the reply's tokens.
        return new Exchange(parsed.request(), parsed.stream(), true, lines::whole, () -> lines);
    }

    /**
     * The answer to Ollama's "load the model" request (a model and no messages, or no prompt), or
     * null when the body asks for more: Ollama answers it at once with {@code done_reason} "load",
     * and apps send it to warm a model up. Nothing is loaded here, and the upstream is not called.
     */
    public byte[] loadOnly(byte[] body) {
        JsonNode root;
        try {
            root = Fields.readObject(json, body);
        } catch (RuntimeException e) {
            return null; // the full parse says what is wrong
        }
        boolean load = shape == ReplyLines.Shape.CHAT ? ChatParser.loadOnly(root) : GenerateParser.loadOnly(root);
        if (!load) return null;
        String name = RequestFields.modelName(root);
        RequestFields.model(name, models.get()); // a model the gateway does not serve is a 404, as in Ollama
        return new ReplyLines(json, shape, name, System::nanoTime).loaded();
    }

    @Override
    public ErrorFormat errors() {
        return errors;
    }
}
