package dev.e2bgateway.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.e2bgateway.core.TokenCounter;
import dev.e2bgateway.core.UpstreamRequests;
import dev.e2bgateway.dialect.Exchange;
import dev.e2bgateway.gemini.GeminiDialect;
import dev.e2bgateway.gemini.GeminiModels;
import dev.e2bgateway.models.ModelCatalog;
import dev.e2bgateway.models.ModelRegistry;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static dev.e2bgateway.fuzz.ParserVerdict.assertMixed;
import static dev.e2bgateway.fuzz.ParserVerdict.parsedOf;
import static dev.e2bgateway.fuzz.ParserVerdict.parsedOrRefused;
import static dev.e2bgateway.fuzz.ParserVerdict.refusedAll;

/**
 * The Gemini parser and countTokens: any body is parsed (or counted) or refused with a 400 (404 for
 * an unknown model), never another exception, never a hang. Fuzz targets run their committed
 * corpora on every build (docs/testing.md, Fuzzing).
 */
class GeminiParserFuzzTest {

    private static final ModelRegistry MODELS = new ModelCatalog(Shapes.JSON).load(null);
    private final GeminiDialect dialect = new GeminiDialect(Shapes.JSON, new GeminiModels(() -> MODELS, "gpt-4o"),
            new TokenCounter(new UpstreamRequests(Shapes.JSON)));

    @FuzzTest(maxDuration = "60s")
    void any_body_is_parsed_or_refused(byte[] body) {
        parse(new Input(body));
    }

    @FuzzTest(maxDuration = "60s")
    void any_body_is_counted_or_refused(byte[] body) {
        count(new Input(body));
    }

    @Test
    void random_bytes_are_refused() {
        refusedAll(2, 1500, Gen.bytes(400).map(Input::new), this::parse);
    }

    @Test
    void json_like_text_is_parsed_or_refused() {
        parsedOf(3, 1500, JsonValues.jsonishText().map(Input::of), this::parse);
    }

    /** Many generated parts are ones the door refuses (audio, gs:// files, unknown parts): about a tenth parse. */
    @Test
    void requests_of_every_shape_are_parsed_or_refused_and_some_parse() {
        assertMixed("requests of every shape", parsedOf(4, 1500, GeminiRequests.plain(), this::parse), 1500, 0.05, 0.05);
    }

    @Test
    void mutated_requests_are_parsed_or_refused() {
        assertMixed("mutated requests", parsedOf(5, 4000, GeminiRequests.mutated(), this::parse), 4000, 0.05, 0.1);
    }

    @Test
    void mutated_requests_are_counted_or_refused() {
        parsedOf(6, 1000, GeminiRequests.mutated(), this::count);
    }

    private Exchange parse(Input body) {
        return parsedOrRefused(body, () -> build(body));
    }

    private String count(Input body) {
        byte[] counted = parsedOrRefused(body, () -> dialect.countTokens("gemini-2.5-flash", body.bytes()));
        if (counted == null) return null;
        String text = new String(counted, StandardCharsets.UTF_8);
        if (!text.matches("\\{\"totalTokens\":\\d+}")) throw new AssertionError("countTokens answered " + text + " for " + body);
        return text;
    }

    private Exchange build(Input body) {
        Exchange e = dialect.exchange("gemini-2.5-flash", GeminiDialect.Method.STREAM_SSE, body.bytes());
        e.request();
        e.events();
        return e;
    }
}
