package dev.e2bgateway.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.RunningGateway;
import dev.e2bgateway.support.Script;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Anthropic structured output ({@code output_config.format}, which @anthropic-ai/sdk's
 * {@code messages.parse()} sends; the beta's {@code output_format}): the model is told the schema and
 * the reply is checked against it, as for OpenAI's {@code response_format}.
 */
class StructuredOutputTest {

    static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"answer\":{\"type\":\"integer\"}},"
            + "\"required\":[\"answer\"],\"additionalProperties\":false}";

    @RegisterExtension
    static final RunningGateway server = new RunningGateway();

    private static String request(String formatField) {
        return "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":100," + formatField
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"What is 6 times 7?\"}]}";
    }

    @Test
    void the_schema_reaches_the_model_and_a_reply_that_fits_passes() throws Exception {
        for (String field : new String[]{
                "\"output_config\":{\"format\":{\"type\":\"json_schema\",\"schema\":" + SCHEMA + "}}",
                "\"output_format\":{\"type\":\"json_schema\",\"schema\":" + SCHEMA + "}"}) {
            server.upstream.enqueue(Script.reply("```json\n{\"answer\": 42}\n```"));
            try (Response r = server.gateway.post("/v1/messages", request(field))) {
                assertThat(r.code()).isEqualTo(200);
                assertThat(Gateway.json(r).at("/content/0/text").asText().strip()).as("the fence is stripped").isEqualTo("{\"answer\": 42}");
            }
            String instructions = server.upstream.takeRequest().body().at("/config/system").asText();
            assertThat(instructions).contains("# Output format").contains("\"answer\":{\"type\":\"integer\"}");
        }
    }

    @Test
    void a_reply_off_the_schema_is_an_api_error_not_a_message() throws Exception {
        server.upstream.enqueue(Script.reply("The answer is 42."));
        try (Response r = server.gateway.post("/v1/messages",
                request("\"output_config\":{\"format\":{\"type\":\"json_schema\",\"schema\":" + SCHEMA + "}}"))) {
            assertThat(r.code()).isEqualTo(502);
            JsonNode error = Gateway.json(r);
            assertThat(error.at("/error/type").asText()).isEqualTo("api_error");
            assertThat(error.at("/error/message").asText()).contains("not valid JSON");
        }
    }

    @Test
    void a_format_that_is_not_a_json_schema_is_a_400_before_the_upstream() throws Exception {
        try (Response r = server.gateway.post("/v1/messages", request("\"output_config\":{\"format\":{\"type\":\"xml\"}}"))) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(Gateway.json(r).at("/error/message").asText()).startsWith("output_config.format:");
        }
        try (Response r = server.gateway.post("/v1/messages", request("\"output_config\":{\"effort\":\"low\"}"))) {
            assertThat(r.code()).as("output_config without a format is plain text").isEqualTo(200);
        }
        server.upstream.takeRequest();
        server.upstream.assertNoRequest();
    }
}
