package dev.e2bgateway.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.RunningGateway;
import dev.e2bgateway.support.Script;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failures the fuzz properties found, each as the plain request that shows it, over real HTTP.
 * Each test is a failure the fuzzing found, fixed in main code and kept as a plain regression test.
 */
class FoundByFuzzingTest {

    @RegisterExtension
    static final RunningGateway server = new RunningGateway();

    /** A reply that is a JSON object, so a response schema gets as far as checking it. */
    @BeforeEach
    void upstream_replies_with_a_json_object() {
        server.upstream.fallback(Script.reply("{\"a\": 1}"));
    }

    /** Found by AnthropicParserFuzzTest: ToolChoice.named("") threw IllegalArgumentException, answered as a 500. */
    @ParameterizedTest
    @ValueSource(strings = {"{\"type\":\"tool\"}", "{\"type\":\"tool\",\"name\":\"\"}", "{\"type\":\"tool\",\"name\":\"  \"}"})
    void an_anthropic_tool_choice_of_type_tool_without_a_name_is_a_400(String toolChoice) throws IOException {
        String body = "{\"model\":\"o3-mini\",\"max_tokens\":1024,\"messages\":[{\"role\":\"user\",\"content\":\"\"}],"
                + "\"tools\":[{\"name\":\"get_weather\"}],\"tool_choice\":" + toolChoice + "}";
        try (Response r = server.gateway.post("/v1/messages", body)) {
            JsonNode error = Gateway.json(r);
            assertThat(r.code()).as("%s", error).isEqualTo(400);
            assertThat(error.path("error").path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.path("error").path("message").asText()).contains("tool_choice");
        }
        server.upstream.assertNoRequest();
    }

    /** Found by AnthropicParserFuzzTest: jtokkit asserts well-formed UTF-16; with -ea that AssertionError was a 500. */
    @Test
    void count_tokens_counts_text_with_half_a_surrogate_pair() throws IOException {
        String body = "{\"model\":\"claude-sonnet-4-5-20250929\",\"messages\":[{\"role\":\"user\",\"content\":\"a\\ud83db\"}]}";
        try (Response r = server.gateway.post("/v1/messages/count_tokens", body)) {
            String text = r.body().string();
            assertThat(r.code()).as(text).isEqualTo(200);
            assertThat(Gateway.json(text).path("input_tokens").asInt()).isPositive();
        }
    }

    /** The same through a chat's usage, after the upstream was called: an OpenAI reply counts the prompt's tokens. */
    @Test
    void a_chat_with_half_a_surrogate_pair_in_a_message_is_answered_with_usage() throws IOException {
        try (Response r = server.gateway.post("/v1/chat/completions",
                "{\"model\":\"claude-sonnet-4-5-20250929\",\"messages\":[{\"role\":\"user\",\"content\":\"a\\ud83db\"}]}")) {
            String text = r.body().string();
            assertThat(r.code()).as(text).isEqualTo(200);
            assertThat(Gateway.json(text).path("usage").path("prompt_tokens").asInt()).isPositive();
        }
    }

    /** Found by GatewayFuzzTest: the 400 for an unusable schema quoted a Java exception's class name. */
    @Test
    void a_schema_that_cannot_be_used_is_refused_without_java_class_names() throws IOException {
        String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"s\",\"schema\":{\"prefixItems\":{}}}}}";
        try (Response r = server.gateway.post("/v1/chat/completions", body)) {
            JsonNode error = Gateway.json(r).path("error");
            assertThat(r.code()).isEqualTo(400);
            assertThat(error.path("param").asText()).isEqualTo("response_format");
            assertThat(error.path("message").asText()).contains("prefixItems").doesNotContain("java.", "Exception");
        }
        server.upstream.assertNoRequest();
    }

    /** Found by GatewayFuzzTest: references are resolved only when the reply is checked, after the upstream call: 500. */
    @ParameterizedTest
    @ValueSource(strings = {"{\"$ref\":\"#/nowhere\"}", "{\"$ref\":\"other.json\"}", "{\"$ref\":\"urn:fuzz:b\"}",
            "{\"$dynamicRef\":\"#meta\"}", "{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"http://127.0.0.1:9/s.json\"}}}",
            "{\"$ref\":\"other.yaml\"}", "{\"$ref\":\"http://127.0.0.1:9/s.yaml#/a\"}"})
    void a_response_schema_whose_reference_cannot_be_resolved_is_a_400_before_the_upstream_is_called(String schema) throws IOException {
        try (Response r = server.gateway.post("/v1/chat/completions", withSchema(schema))) {
            String text = r.body().string();
            assertThat(r.code()).as(text).isEqualTo(400);
            assertThat(Gateway.json(text).path("error").path("param").asText()).isEqualTo("response_format");
        }
        server.upstream.assertNoRequest();
    }

    /** Found by GatewayFuzzTest: a reference loop made the validator recurse until the stack overflowed: 500, empty body. */
    @ParameterizedTest
    @ValueSource(strings = {"{\"$ref\":\"#\"}",
            "{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/$defs/A\"}},\"$defs\":{\"A\":{\"$ref\":\"#/$defs/A\"}}}"})
    void a_response_schema_that_refers_to_itself_is_not_a_500(String schema) throws IOException {
        try (Response r = server.gateway.post("/v1/chat/completions", withSchema(schema))) {
            String text = r.body().string();
            assertThat(r.code()).as(text).isIn(200, 400);
            assertThat(text).isNotEmpty();
        }
    }

    private static String withSchema(String schema) {
        return "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"s\",\"schema\":" + schema + "}}}";
    }
}
