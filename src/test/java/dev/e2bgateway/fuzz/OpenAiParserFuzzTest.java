package dev.e2bgateway.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.e2bgateway.dialect.Exchange;
import dev.e2bgateway.models.ModelCatalog;
import dev.e2bgateway.models.ModelRegistry;
import dev.e2bgateway.chatcompletions.ChatCompletionsDialect;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.e2bgateway.fuzz.ParserVerdict.assertMixed;
import static dev.e2bgateway.fuzz.ParserVerdict.parsed;
import static dev.e2bgateway.fuzz.ParserVerdict.parsedOf;
import static dev.e2bgateway.fuzz.ParserVerdict.parsedOrRefused;
import static dev.e2bgateway.fuzz.ParserVerdict.refusedAll;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat completions parser, the gateway's first contact with a client's bytes: any body is
 * parsed into an exchange or refused with a 400 (404 for an unknown model), never another
 * exception, never a hang; a valid request always parses. The fuzz target runs its committed
 * corpus (src/test/resources/dev/e2bgateway/fuzz/OpenAiParserFuzzTestInputs/) on every build
 * and is fuzzed with JAZZER_FUZZ=1 (docs/testing.md, Fuzzing); the seeded tests draw requests from the
 * generators with a fixed seed.
 */
class OpenAiParserFuzzTest {

    private static final ModelRegistry MODELS = new ModelCatalog(Shapes.JSON).load(null);
    private final ChatCompletionsDialect dialect = new ChatCompletionsDialect(Shapes.JSON, () -> MODELS);

    @FuzzTest(maxDuration = "60s")
    void any_body_is_parsed_or_refused(byte[] body) {
        parse(new Input(body));
    }

    @Test
    void valid_requests_of_every_shape_parse() {
        Random random = new Random(1);
        for (int i = 0; i < 1500; i++) {
            Input body = OpenAiRequests.valid().next(random);
            Exchange exchange = parsed(body, () -> build(body));
            assertThat(exchange.request().messages()).as("%s", body).isNotEmpty();
        }
    }

    @Test
    void random_bytes_are_refused() {
        // Random bytes are not a JSON object with a model and messages; one that parsed would be a parser that accepts anything.
        refusedAll(2, 1500, Gen.bytes(400).map(Input::new), this::parse);
    }

    @Test
    void json_like_text_is_parsed_or_refused() {
        parsedOf(3, 1500, JsonValues.jsonishText().map(Input::of), this::parse);
    }

    @Test
    void requests_of_every_shape_are_parsed_or_refused_and_most_parse() {
        // A quarter at least: a non-object parameters schema and an allowed_tools name that is no tool are refused (the tool kit).
        assertMixed("requests of every shape", parsedOf(4, 1500, OpenAiRequests.plain(), this::parse), 1500, 0.25, 0.05);
    }

    @Test
    void mutated_requests_are_parsed_or_refused() {
        assertMixed("mutated requests", parsedOf(5, 4000, OpenAiRequests.mutated(), this::parse), 4000, 0.1, 0.1);
    }

    private Exchange parse(Input body) {
        return parsedOrRefused(body, () -> build(body));
    }

    private Exchange build(Input body) {
        Exchange e = dialect.parse(body.bytes(), "fuzz");
        e.request(); // what the core gets, and the stream's format, are built without failing
        e.events();
        if (e.request().messages().isEmpty()) throw new AssertionError("an exchange without messages for " + body);
        return e;
    }
}
