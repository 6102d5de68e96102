package dev.e2bgateway.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.e2bgateway.anthropic.MessagesDialect;
import dev.e2bgateway.core.TokenCounter;
import dev.e2bgateway.core.UpstreamRequests;
import dev.e2bgateway.dialect.Exchange;
import dev.e2bgateway.models.ModelCatalog;
import dev.e2bgateway.models.ModelRegistry;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static dev.e2bgateway.fuzz.ParserVerdict.assertMixed;
import static dev.e2bgateway.fuzz.ParserVerdict.parsed;
import static dev.e2bgateway.fuzz.ParserVerdict.parsedOf;
import static dev.e2bgateway.fuzz.ParserVerdict.parsedOrRefused;
import static dev.e2bgateway.fuzz.ParserVerdict.refusedAll;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Messages parser and count_tokens: any body is parsed (or counted) or refused with a 400
 * (404 for an unknown model), never another exception, never a hang; a valid request always
 * parses and is counted. Fuzz targets run their committed corpora on every build (docs/testing.md, Fuzzing).
 */
class AnthropicParserFuzzTest {

    private static final ModelRegistry MODELS = new ModelCatalog(Shapes.JSON).load(null);
    private final MessagesDialect dialect = new MessagesDialect(Shapes.JSON, () -> MODELS, new TokenCounter(new UpstreamRequests(Shapes.JSON)));

    @FuzzTest(maxDuration = "60s")
    void any_body_is_parsed_or_refused(byte[] body) {
        parse(new Input(body));
    }

    @FuzzTest(maxDuration = "60s")
    void any_body_is_counted_or_refused(byte[] body) {
        count(new Input(body));
    }

    @Test
    void valid_requests_of_every_shape_parse_and_are_counted() {
        Random random = new Random(1);
        for (int i = 0; i < 1500; i++) {
            Input body = AnthropicRequests.valid().next(random);
            parsed(body, () -> build(body));
            String counted = new String(parsed(body, () -> dialect.countTokens(body.bytes())), StandardCharsets.UTF_8);
            assertThat(counted).as("%s", body).matches("\\{\"input_tokens\":[1-9]\\d*}");
        }
    }

    @Test
    void random_bytes_are_refused() {
        refusedAll(2, 1500, Gen.bytes(400).map(Input::new), this::parse);
    }

    @Test
    void json_like_text_is_parsed_or_refused() {
        parsedOf(3, 1500, JsonValues.jsonishText().map(Input::of), this::parse);
    }

    @Test
    void requests_of_every_shape_are_parsed_or_refused_and_most_parse() {
        assertMixed("requests of every shape", parsedOf(4, 1500, AnthropicRequests.plain(), this::parse), 1500, 0.3, 0.05);
    }

    @Test
    void mutated_requests_are_parsed_or_refused() {
        assertMixed("mutated requests", parsedOf(5, 4000, AnthropicRequests.mutated(), this::parse), 4000, 0.1, 0.1);
    }

    @Test
    void mutated_requests_are_counted_or_refused() {
        assertMixed("mutated requests counted", parsedOf(6, 1000, AnthropicRequests.mutated(), this::count), 1000, 0.1, 0.1);
    }

    private Exchange parse(Input body) {
        return parsedOrRefused(body, () -> build(body));
    }

    private String count(Input body) {
        byte[] counted = parsedOrRefused(body, () -> dialect.countTokens(body.bytes()));
        if (counted == null) return null;
        String text = new String(counted, StandardCharsets.UTF_8);
        if (!text.matches("\\{\"input_tokens\":\\d+}")) throw new AssertionError("count_tokens answered " + text + " for " + body);
        return text;
    }

    private Exchange build(Input body) {
        Exchange e = dialect.parse(body.bytes(), "fuzz");
        e.request();
        e.events();
        return e;
    }
}
