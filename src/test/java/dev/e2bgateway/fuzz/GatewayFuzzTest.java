package dev.e2bgateway.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.e2bgateway.anthropic.MessagesDialect;
import dev.e2bgateway.core.OutputFormat;
import dev.e2bgateway.core.TokenCounter;
import dev.e2bgateway.core.UpstreamRequests;
import dev.e2bgateway.dialect.Exchange;
import dev.e2bgateway.models.ModelCatalog;
import dev.e2bgateway.models.ModelRegistry;
import dev.e2bgateway.openai.ChatCompletionsDialect;
import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.Script;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Random and mutated bodies POSTed to a running gateway (in front of the fake upstream, which
 * answers every chat): none gets a 500, and no response, error or stream, carries a stack trace.
 * The body limit is small here so that 413s happen too. Tries are the CI budget;
 * -Dfuzz.http.tries=N (or fuzz.tries / 20) for more.
 */
@AddLifecycleHook(FuzzTries.OverHttp.class)
class GatewayFuzzTest {

    private static final Pattern STACK_FRAME = Pattern.compile("\\bat [\\w$.]+\\([\\w$]*\\.java:\\d+\\)|\\bCaused by: ");
    /** A Java exception's class name in a message: internals the client should not see, though not a stack trace. */
    private static final Pattern JAVA_NAME = Pattern.compile("\\b(java|javax|com|org|io|dev)\\.[\\w.$]+(Exception|Error)\\b");
    /** Known leak (FoundByFuzzingTest#a_schema_that_cannot_be_used_is_refused_without_java_class_names). */
    private static final String INTERNAL = "The gateway failed to handle this request";
    private static final Set<Integer> EXPECTED = Set.of(200, 400, 404, 413);
    private static final String REPLY = "{\"city\": \"Paris\", \"days\": 3}";
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private static FakeFragments upstream;
    private static Gateway gateway;

    private final ModelRegistry models = new ModelCatalog(Shapes.JSON).load(null);
    private final TokenCounter tokens = new TokenCounter(new UpstreamRequests(Shapes.JSON));
    private final ChatCompletionsDialect openai = new ChatCompletionsDialect(Shapes.JSON, () -> models);
    private final MessagesDialect anthropic = new MessagesDialect(Shapes.JSON, () -> models, tokens);

    /** One request: the route and the body. */
    record Post(String path, Input body) {
        @Override
        public String toString() {
            return "POST " + path + " " + body;
        }
    }

    @BeforeContainer
    static void start() {
        // A reply that is also a JSON object, so that JSON mode and response schemas are checked for real.
        upstream = new FakeFragments().fallback(Script.reply(REPLY));
        gateway = Gateway.start(upstream, Map.of("E2B_MAX_BODY_BYTES", "20000"));
    }

    @AfterContainer
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Property(tries = 250, edgeCases = EdgeCasesMode.NONE)
    void no_body_gets_a_500_or_a_stack_trace(@ForAll("posts") Post post) throws IOException {
        upstream.clearRequests();
        int status;
        String text;
        try (Response r = gateway.http.newCall(gateway.request(post.path())
                .header("anthropic-version", "2023-06-01")
                .post(RequestBody.create(post.body().bytes(), MediaType.get("application/json"))).build()).execute()) {
            status = r.code();
            text = r.body().string();
        }
        if (STACK_FRAME.matcher(text).find()) {
            throw new AssertionError("a stack trace in the " + status + " response to " + post + ": " + Input.of(text));
        }
        if (JAVA_NAME.matcher(text).find()) {
            throw new AssertionError("a Java class name in the " + status + " response to " + post + ": " + Input.of(text));
        }
        boolean internal = status >= 500 && !invalidModelOutput(status, text) || text.contains(INTERNAL);
        if (!internal && (EXPECTED.contains(status) || invalidModelOutput(status, text))) {
            Statistics.label("status").collect(status);
            return;
        }
        throw new AssertionError(status + " " + Input.of(text) + " for " + post);
    }

    /** The reply does not match the client's schema: the model's fault, a 502 (an in-band error when streaming). */
    private static boolean invalidModelOutput(int status, String text) {
        if (status == 200) return false;
        try {
            JsonNode body = Gateway.json(text);
            return status == 502 && "invalid_model_output".equals(body.path("error").path("code").asText());
        } catch (IOException e) {
            return false;
        }
    }

    @Provide
    Arbitrary<Post> posts() {
        Arbitrary<Input> noise = Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofMaxSize(200).map(Input::new),
                JsonValues.jsonishText().map(Input::of));
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.frequencyOf(Tuple.of(2, OpenAiRequests.mutated()),
                        Tuple.of(3, OpenAiRequests.plain()), Tuple.of(1, noise))
                        .map(b -> new Post("/v1/chat/completions", b))),
                Tuple.of(3, Arbitraries.frequencyOf(Tuple.of(2, AnthropicRequests.mutated()),
                        Tuple.of(3, AnthropicRequests.plain()), Tuple.of(1, noise))
                        .map(b -> new Post("/v1/messages", b))),
                Tuple.of(1, Arbitraries.oneOf(AnthropicRequests.mutated(), noise).map(b -> new Post("/v1/messages/count_tokens", b))));
    }
}
