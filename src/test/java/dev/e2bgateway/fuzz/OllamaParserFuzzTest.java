package dev.e2bgateway.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.e2bgateway.dialect.Exchange;
import dev.e2bgateway.models.ModelCatalog;
import dev.e2bgateway.models.ModelRegistry;
import dev.e2bgateway.ollama.OllamaDialect;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.e2bgateway.fuzz.ParserVerdict.assertMixed;
import static dev.e2bgateway.fuzz.ParserVerdict.parsed;
import static dev.e2bgateway.fuzz.ParserVerdict.parsedOf;
import static dev.e2bgateway.fuzz.ParserVerdict.parsedOrRefused;
import static dev.e2bgateway.fuzz.ParserVerdict.refusedAll;

/**
 * The Ollama door's parsers ({@code /api/chat}, {@code /api/generate}) and its load-only check:
 * any body is parsed or refused with a 400 (404 for an unknown model), never another exception,
 * never a hang; a valid request always parses. Fuzz targets run their committed corpora on every
 * build (docs/testing.md, Fuzzing).
 */
class OllamaParserFuzzTest {

    private static final ModelRegistry MODELS = new ModelCatalog(Shapes.JSON).load(null);
    private final OllamaDialect chat = OllamaDialect.chat(Shapes.JSON, () -> MODELS);
    private final OllamaDialect generate = OllamaDialect.generate(Shapes.JSON, () -> MODELS);

    @FuzzTest(maxDuration = "60s")
    void any_body_is_parsed_or_refused(byte[] body) {
        Input input = new Input(body);
        parseChat(input);
        parseGenerate(input);
    }

    @Test
    void valid_chats_of_every_shape_parse() {
        Random random = new Random(1);
        for (int i = 0; i < 1500; i++) {
            Input body = OllamaRequests.validChats().next(random);
            parsed(body, () -> build(chat, body));
        }
    }

    @Test
    void random_bytes_are_refused() {
        refusedAll(2, 1500, Gen.bytes(400).map(Input::new), this::parseChat);
        refusedAll(3, 1500, Gen.bytes(400).map(Input::new), this::parseGenerate);
    }

    @Test
    void json_like_text_is_parsed_or_refused() {
        parsedOf(4, 1500, JsonValues.jsonishText().map(Input::of), this::parseChat);
        parsedOf(5, 1500, JsonValues.jsonishText().map(Input::of), this::parseGenerate);
    }

    @Test
    void requests_of_every_shape_are_parsed_or_refused_and_many_parse() {
        assertMixed("chats of every shape", parsedOf(6, 1500, Shapes.written(OllamaRequests.chats()), this::parseChat), 1500, 0.1, 0.05);
        assertMixed("generates of every shape", parsedOf(7, 1500, Shapes.written(OllamaRequests.generates()), this::parseGenerate),
                1500, 0.1, 0.05);
    }

    @Test
    void mutated_requests_are_parsed_or_refused() {
        assertMixed("mutated chats", parsedOf(8, 4000, OllamaRequests.mutatedChats(), this::parseChat), 4000, 0.05, 0.1);
        assertMixed("mutated generates", parsedOf(9, 4000, OllamaRequests.mutatedGenerates(), this::parseGenerate), 4000, 0.05, 0.1);
    }

    private Object parseChat(Input body) {
        return parsedOrRefused(body, () -> {
            byte[] loaded = chat.loadOnly(body.bytes());
            return loaded != null ? loaded : build(chat, body);
        });
    }

    private Object parseGenerate(Input body) {
        return parsedOrRefused(body, () -> {
            byte[] loaded = generate.loadOnly(body.bytes());
            return loaded != null ? loaded : build(generate, body);
        });
    }

    private static Exchange build(OllamaDialect dialect, Input body) {
        Exchange e = dialect.parse(body.bytes(), "fuzz");
        e.request();
        e.events();
        return e;
    }
}
