package dev.e2bgateway.fuzz;

import dev.e2bgateway.anthropic.MessagesDialect;
import dev.e2bgateway.core.TokenCounter;
import dev.e2bgateway.core.UpstreamRequests;
import dev.e2bgateway.dialect.Exchange;
import dev.e2bgateway.models.ModelCatalog;
import dev.e2bgateway.models.ModelRegistry;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import static dev.e2bgateway.fuzz.ParserVerdict.parsedOrRefused;

/**
 * Fuzzes the Messages parser and count_tokens: any body is parsed (or counted) or refused with
 * a 400 (404 for an unknown model), never another exception, never a hang. Tries per property
 * are the CI budget; -Dfuzz.tries=N for more.
 */
@AddLifecycleHook(FuzzTries.class)
class AnthropicParserFuzzTest {

    private final ModelRegistry models = new ModelCatalog(Shapes.JSON).load(null);
    private final MessagesDialect dialect = new MessagesDialect(Shapes.JSON, () -> models, new TokenCounter(new UpstreamRequests(Shapes.JSON)));

    @Property(tries = 1500)
    void random_bytes_are_parsed_or_refused(@ForAll @Size(max = 400) byte[] body) {
        parse(new Input(body));
    }

    @Property(tries = 1500, edgeCases = EdgeCasesMode.NONE)
    void json_like_text_is_parsed_or_refused(@ForAll("jsonish") Input body) {
        parse(body);
    }

    @Property(tries = 1500, edgeCases = EdgeCasesMode.NONE)
    void well_formed_requests_of_every_shape_are_parsed_or_refused(@ForAll("plain") Input body) {
        parse(body);
    }

    @Property(tries = 4000, edgeCases = EdgeCasesMode.NONE)
    void mutated_requests_are_parsed_or_refused(@ForAll("mutated") Input body) {
        parse(body);
    }

    @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
    void mutated_requests_are_counted_or_refused(@ForAll("mutated") Input body) {
        byte[] counted = parsedOrRefused(body, () -> dialect.countTokens(body.bytes()));
        if (counted != null && !new String(counted, java.nio.charset.StandardCharsets.UTF_8).matches("\\{\"input_tokens\":\\d+}")) {
            throw new AssertionError("count_tokens answered " + new String(counted, java.nio.charset.StandardCharsets.UTF_8) + " for " + body);
        }
    }

    private void parse(Input body) {
        parsedOrRefused(body, () -> {
            Exchange e = dialect.parse(body.bytes(), "fuzz");
            e.request();
            e.events();
            return e;
        });
    }

    @Provide
    Arbitrary<Input> jsonish() {
        return JsonValues.jsonishText().map(Input::of);
    }

    @Provide
    Arbitrary<Input> plain() {
        return AnthropicRequests.plain();
    }

    @Provide
    Arbitrary<Input> mutated() {
        return AnthropicRequests.mutated();
    }
}
