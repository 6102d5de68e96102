package dev.e2bgateway.toolcalls;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.RunningGateway;
import dev.e2bgateway.support.Script;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** response_format: the model is told, a stray fence is stripped, and what does not conform is never passed off as valid. */
class StructuredOutputTest {

    @RegisterExtension
    static final RunningGateway server = new RunningGateway();

    static final String SCHEMA = """
            {"type":"json_schema","json_schema":{"name":"person","strict":true,"schema":{"type":"object",
             "properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name","age"],"additionalProperties":false}}}""";

    static String body(String format, boolean stream) {
        return Gateway.chat("gpt-4o", "Who?", "\"response_format\":" + format + (stream ? ",\"stream\":true" : ""));
    }

    static String content(String sse) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String data : Gateway.events(sse)) {
            if (data.equals("[DONE]")) continue;
            JsonNode delta = Gateway.json(data).at("/choices/0/delta/content");
            if (delta.isTextual()) text.append(delta.asText());
        }
        return text.toString();
    }

    @Test
    void a_conforming_reply_in_a_stray_fence_comes_back_as_bare_json_in_both_modes() throws IOException {
        String fenced = "```json\n{\"name\": \"Ada\", \"age\": 36}\n```\n";
        for (boolean stream : new boolean[]{false, true}) {
            for (int size : stream ? new int[]{1, 2, 3, 5, 40} : new int[]{1000}) {
                server.upstream.enqueue(Script.ok(Fragments.json("c", fenced)).splitEvery(size));
                try (Response r = server.gateway.post("/v1/chat/completions", body(SCHEMA, stream))) {
                    assertThat(r.code()).isEqualTo(200);
                    String text = stream ? content(r.body().string()) : Gateway.json(r).at("/choices/0/message/content").asText();
                    assertThat(Gateway.json(text).get("name").asText()).as("chunks of %d", size).isEqualTo("Ada");
                    assertThat(text.strip()).startsWith("{").endsWith("}");
                }
                String system = server.upstream.takeRequest().body().at("/config/system").asText();
                assertThat(system).contains("JSON Schema", "\"required\":[\"name\",\"age\"]");
            }
        }
    }

    @Test
    void a_reply_that_does_not_match_the_schema_is_an_error_not_an_answer() throws IOException {
        server.upstream.enqueue(Script.reply("{\"name\": \"Ada\"}"));
        try (Response r = server.gateway.post("/v1/chat/completions", body(SCHEMA, false))) {
            assertThat(r.code()).isEqualTo(502);
            JsonNode error = Gateway.json(r).get("error");
            assertThat(error.get("code").asText()).isEqualTo("invalid_model_output");
            assertThat(error.get("message").asText()).contains("person", "age");
            assertThat(r.header("x-should-retry")).isEqualTo("true");
        }
        server.upstream.enqueue(Script.ok(Fragments.json("c", "{\"name\": \"Ada\", \"age\": \"old\"}")).splitEvery(4));
        try (Response r = server.gateway.post("/v1/chat/completions", body(SCHEMA, true))) {
            assertThat(r.code()).isEqualTo(200);
            List<String> events = Gateway.events(r.body().string());
            assertThat(events.get(events.size() - 1)).as("the stream ends with an error, not a clean stop")
                    .contains("\"error\"", "invalid_model_output");
            assertThat(events).noneMatch(e -> e.contains("\"finish_reason\":\"stop\""));
        }
    }

    @Test
    void json_mode_wants_one_object() throws IOException {
        server.upstream.enqueue(Script.reply("Sure! Here it is: {\"a\": 1}"));
        try (Response r = server.gateway.post("/v1/chat/completions", body("{\"type\":\"json_object\"}", false))) {
            assertThat(r.code()).isEqualTo(502);
            assertThat(Gateway.json(r).at("/error/message").asText()).contains("not valid JSON");
        }
        server.upstream.enqueue(Script.reply("[1, 2]"));
        try (Response r = server.gateway.post("/v1/chat/completions", body("{\"type\":\"json_object\"}", false))) {
            assertThat(r.code()).isEqualTo(502);
            assertThat(Gateway.json(r).at("/error/message").asText()).contains("not an object");
        }
        server.upstream.enqueue(Script.reply("{\"a\": [1, 2]}"));
        try (Response r = server.gateway.post("/v1/chat/completions", body("{\"type\":\"json_object\"}", false))) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(Gateway.json(Gateway.json(r).at("/choices/0/message/content").asText()).get("a")).hasSize(2);
        }
    }

    @Test
    void a_schema_that_cannot_be_used_is_a_400_before_the_upstream() throws IOException {
        for (String format : new String[]{"{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\"}}", "{\"type\":\"xml\"}"}) {
            try (Response r = server.gateway.post("/v1/chat/completions", body(format, false))) {
                assertThat(r.code()).as(format).isEqualTo(400);
                assertThat(Gateway.json(r).at("/error/param").asText()).startsWith("response_format");
            }
        }
        server.upstream.assertNoRequest();
    }
}
