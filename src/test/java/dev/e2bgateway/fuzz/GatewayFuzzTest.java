package dev.e2bgateway.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.Script;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random and mutated bodies POSTed to a running gateway (in front of the fake upstream, which
 * answers every chat): none gets a 500, and no response, error or stream, carries a stack trace.
 * The body limit is small here so that 413s happen too. Valid requests all get a 200.
 */
class GatewayFuzzTest {

    private static final Pattern STACK_FRAME = Pattern.compile("\\bat [\\w$.]+\\([\\w$]*\\.java:\\d+\\)|\\bCaused by: ");
    /** A Java exception's class name in a message: internals the client should not see, though not a stack trace. */
    private static final Pattern JAVA_NAME = Pattern.compile("\\b(java|javax|com|org|io|dev)\\.[\\w.$]+(Exception|Error)\\b");
    /** Known leak (FoundByFuzzingTest#a_schema_that_cannot_be_used_is_refused_without_java_class_names). */
    private static final String INTERNAL = "The gateway failed to handle this request";
    private static final Set<Integer> EXPECTED = Set.of(200, 400, 404, 413);
    private static final String REPLY = "{\"city\": \"Paris\", \"days\": 3}";

    private static FakeFragments upstream;
    private static Gateway gateway;

    /** One request: the route and the body. */
    record Post(String path, Input body) {
        @Override
        public String toString() {
            return "POST " + path + " " + body;
        }
    }

    @BeforeAll
    static void start() {
        // A reply that is also a JSON object, so that JSON mode and response schemas are checked for real.
        upstream = new FakeFragments().fallback(Script.reply(REPLY));
        gateway = Gateway.start(upstream, Map.of("E2B_MAX_BODY_BYTES", "20000"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void no_body_gets_a_500_or_a_stack_trace() throws IOException {
        Random random = new Random(1);
        Map<Integer, Integer> statuses = new HashMap<>();
        for (int i = 0; i < 250; i++) {
            Post post = posts().next(random);
            statuses.merge(send(post), 1, Integer::sum);
        }
        // The mix holds valid requests and broken ones: both answers must be common.
        assertThat(statuses.getOrDefault(200, 0)).as("200s in %s", statuses).isGreaterThan(50);
        assertThat(statuses.getOrDefault(400, 0)).as("400s in %s", statuses).isGreaterThan(25);
    }

    @Test
    void valid_requests_get_a_200() throws IOException {
        Random random = new Random(2);
        for (int i = 0; i < 60; i++) {
            boolean openai = i % 2 == 0;
            Post post = new Post(openai ? "/v1/chat/completions" : "/v1/messages",
                    (openai ? OpenAiRequests.valid() : AnthropicRequests.valid()).next(random));
            assertThat(send(post)).as("%s", post).isEqualTo(200);
        }
    }

    private int send(Post post) throws IOException {
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
        if (!internal && (EXPECTED.contains(status) || invalidModelOutput(status, text))) return status;
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

    private static Gen<Post> posts() {
        Gen<Input> noise = Gen.oneOf(Gen.bytes(200).map(Input::new), JsonValues.jsonishText().map(Input::of));
        return Gen.frequency(
                Gen.w(4, Gen.<Input>frequency(Gen.w(2, OpenAiRequests.mutated()), Gen.w(3, OpenAiRequests.plain()), Gen.w(1, noise))
                        .map(b -> new Post("/v1/chat/completions", b))),
                Gen.w(3, Gen.<Input>frequency(Gen.w(2, AnthropicRequests.mutated()), Gen.w(3, AnthropicRequests.plain()), Gen.w(1, noise))
                        .map(b -> new Post("/v1/messages", b))),
                Gen.w(1, Gen.<Input>oneOf(AnthropicRequests.mutated(), noise).map(b -> new Post("/v1/messages/count_tokens", b))));
    }
}
