package dev.e2bgateway.fuzz;

import dev.e2bgateway.dialect.Exchange;
import dev.e2bgateway.models.ModelCatalog;
import dev.e2bgateway.models.ModelRegistry;
import dev.e2bgateway.openai.ChatCompletionsDialect;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import static dev.e2bgateway.fuzz.ParserVerdict.parsedOrRefused;

/**
 * Fuzzes the chat completions parser, the gateway's first contact with a client's bytes: any
 * body is parsed into an exchange or refused with a 400 (404 for an unknown model), never an
 * other exception, never a hang. Tries per property are the CI budget; -Dfuzz.tries=N for more.
 */
@AddLifecycleHook(FuzzTries.class)
class OpenAiParserFuzzTest {

    private final ModelRegistry models = new ModelCatalog(Shapes.JSON).load(null);
    private final ChatCompletionsDialect dialect = new ChatCompletionsDialect(Shapes.JSON, () -> models);

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

    private void parse(Input body) {
        Exchange exchange = parsedOrRefused(body, () -> {
            Exchange e = dialect.parse(body.bytes(), "fuzz");
            e.request(); // what the core gets, and the stream's format, are built without failing
            e.events();
            return e;
        });
        if (exchange != null && exchange.request().messages().isEmpty()) {
            throw new AssertionError("an exchange without messages for " + body);
        }
    }

    @Provide
    Arbitrary<Input> jsonish() {
        return JsonValues.jsonishText().map(Input::of);
    }

    @Provide
    Arbitrary<Input> plain() {
        return OpenAiRequests.plain();
    }

    @Provide
    Arbitrary<Input> mutated() {
        return OpenAiRequests.mutated();
    }
}
