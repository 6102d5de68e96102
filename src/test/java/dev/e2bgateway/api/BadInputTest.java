package dev.e2bgateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.RunningGateway;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Requests that must be refused with a clear 4xx and never reach the upstream; hostile ones included. */
class BadInputTest {

    @RegisterExtension
    static final RunningGateway server = new RunningGateway(Map.of("E2B_MAX_BODY_BYTES", "200000"));

    static final String OK_MESSAGES = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    enum Bad {
        NOT_JSON("{\"model\": \"gpt-4o\", ", null, "not valid JSON"),
        NOT_AN_OBJECT("[1, 2, 3]", null, "must be a JSON object"),
        EMPTY_BODY("", null, "empty"),
        NO_MODEL("{" + OK_MESSAGES + "}", "model", "'model' is a required property"),
        MODEL_NOT_A_STRING("{\"model\": 4, " + OK_MESSAGES + "}", "model", "expected a non-empty string"),
        NO_MESSAGES("{\"model\":\"gpt-4o\"}", "messages", "required"),
        MESSAGES_NOT_ARRAY("{\"model\":\"gpt-4o\",\"messages\":\"hi\"}", "messages", "must be an array"),
        MESSAGES_EMPTY("{\"model\":\"gpt-4o\",\"messages\":[]}", "messages", "at least one message"),
        MESSAGE_NOT_OBJECT("{\"model\":\"gpt-4o\",\"messages\":[\"hi\"]}", "messages[0]", "must be an object"),
        BAD_ROLE("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}", "messages[0].role", "Invalid role"),
        NO_ROLE("{\"model\":\"gpt-4o\",\"messages\":[{\"content\":\"hi\"}]}", "messages[0].role", "Invalid role"),
        NULL_CONTENT("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":null}]}", "messages[0].content", "Missing content"),
        NUMBER_CONTENT("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":42}]}", "messages[0].content", "expected a string or an array"),
        BAD_PART("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\"}]}]}",
                "messages[0].content[0].type", "Unsupported content part"),
        FILE_IMAGE("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"file:///etc/passwd\"}}]}]}",
                "messages[0].content[0].image_url.url", "http(s) URLs or data: URLs"),
        IMAGE_URL_FOR_GEMINI("{\"model\":\"models/gemini-2.0-flash\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/y.png\"}}]}]}",
                "messages[0].content[0].image_url.url", "inline"),
        ONLY_SYSTEM("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"system\",\"content\":\"be nice\"}]}", "messages", "user message"),
        TEMPERATURE_TYPE("{\"model\":\"gpt-4o\"," + OK_MESSAGES + ",\"temperature\":\"hot\"}", "temperature", "expected a number, but got a string"),
        TEMPERATURE_RANGE("{\"model\":\"gpt-4o\"," + OK_MESSAGES + ",\"temperature\":3}", "temperature", "between 0 and 2"),
        TOP_P_RANGE("{\"model\":\"gpt-4o\"," + OK_MESSAGES + ",\"top_p\":-1}", "top_p", "between 0 and 1"),
        MAX_TOKENS_ZERO("{\"model\":\"gpt-4o\"," + OK_MESSAGES + ",\"max_tokens\":0}", "max_tokens", "at least 1"),
        MAX_TOKENS_FRACTION("{\"model\":\"gpt-4o\"," + OK_MESSAGES + ",\"max_completion_tokens\":1.5}", "max_completion_tokens", "an integer"),
        N_TWO("{\"model\":\"gpt-4o\"," + OK_MESSAGES + ",\"n\":2}", "n", "one choice"),
        STREAM_TYPE("{\"model\":\"gpt-4o\"," + OK_MESSAGES + ",\"stream\":\"yes\"}", "stream", "a boolean"),
        STOP_TOO_MANY("{\"model\":\"gpt-4o\"," + OK_MESSAGES + ",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}", "stop", "at most 4"),
        STOP_TYPE("{\"model\":\"gpt-4o\"," + OK_MESSAGES + ",\"stop\":7}", "stop", "a string or an array"),
        RESPONSE_FORMAT("{\"model\":\"gpt-4o\"," + OK_MESSAGES + ",\"response_format\":{\"type\":\"xml\"}}", "response_format.type", "must be"),
        DUPLICATE_KEYS("{\"model\":\"gpt-4o\",\"model\":\"o3-mini\"," + OK_MESSAGES + "}", null, "Duplicate field"),
        DEEP_NESTING("{\"model\":\"gpt-4o\"," + OK_MESSAGES + ",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}", null, "not valid JSON");

        final String body;
        final String param;
        final String message;

        Bad(String body, String param, String message) {
            this.body = body;
            this.param = param;
            this.message = message;
        }
    }

    @ParameterizedTest
    @EnumSource(Bad.class)
    void a_bad_request_is_a_400_naming_the_field_and_never_reaches_the_upstream(Bad bad) throws IOException {
        try (Response r = server.gateway.post("/v1/chat/completions", bad.body)) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(r.header("x-should-retry")).isEqualTo("false");
            String text = r.body().string();
            JsonNode error = Gateway.json(text).get("error");
            assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.get("message").asText()).contains(bad.message);
            if (bad.param == null) assertThat(error.get("param").isNull()).isTrue();
            else assertThat(error.get("param").asText()).isEqualTo(bad.param);
            assertThat(text).doesNotContain("Exception", "dev.e2bgateway", "com.fasterxml");
        }
        server.upstream.assertNoRequest();
    }

    @Test
    void an_unknown_model_on_chat_is_a_404_model_not_found() throws IOException {
        try (Response r = server.gateway.post("/v1/chat/completions", Gateway.chat("gpt-99", "hi", null))) {
            assertThat(r.code()).isEqualTo(404);
            JsonNode error = Gateway.json(r).get("error");
            assertThat(error.get("code").asText()).isEqualTo("model_not_found");
            assertThat(error.get("param").asText()).isEqualTo("model");
        }
        server.upstream.assertNoRequest();
    }

    @Test
    void a_body_over_the_limit_is_a_413() throws IOException {
        try (Response r = server.gateway.post("/v1/chat/completions", Gateway.chat("gpt-4o", "x".repeat(300_000), null))) {
            assertThat(r.code()).isEqualTo(413);
            assertThat(r.header("x-should-retry")).isEqualTo("false");
            assertThat(Gateway.json(r).at("/error/code").asText()).isEqualTo("request_too_large");
        }
        server.upstream.assertNoRequest();
    }

    @Test
    void invalid_utf8_is_a_400() throws IOException {
        byte[] body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"\u0000\"}]}".getBytes(StandardCharsets.UTF_8);
        body[body.length - 5] = (byte) 0xFF;
        try (Response r = server.gateway.http.newCall(server.gateway.request("/v1/chat/completions")
                .post(RequestBody.create(body, MediaType.get("application/json"))).build()).execute()) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(Gateway.json(r).at("/error/message").asText()).contains("not valid JSON");
        }
    }

    @Test
    void harmless_oddities_are_served_unknown_fields_ignored() throws IOException {
        String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"extra\":{\"a\":[1]}}],"
                + "\"user\":\"u\",\"seed\":1,\"tools\":[],\"logprobs\":false,\"frequency_penalty\":null,\"whatever\":true}";
        try (Response r = server.gateway.post("/v1/chat/completions", body)) {
            assertThat(r.code()).isEqualTo(200);
        }
    }

    @Test
    void thousands_of_messages_and_huge_strings_are_served() throws IOException {
        StringBuilder body = new StringBuilder("{\"model\":\"gpt-4o\",\"messages\":[");
        for (int i = 0; i < 3000; i++) body.append(i > 0 ? "," : "").append("{\"role\":\"").append(i % 2 == 0 ? "user" : "assistant").append("\",\"content\":\"m").append(i).append("\"}");
        body.append("]}");
        try (Response r = server.gateway.post("/v1/chat/completions", body.toString())) {
            assertThat(r.code()).isEqualTo(200);
        }
        assertThat(server.upstream.takeRequest().body().get("messages").size()).isEqualTo(3000);
        try (Response r = server.gateway.post("/v1/chat/completions", Gateway.chat("gpt-4o", "y".repeat(150_000), null))) {
            assertThat(r.code()).isEqualTo(200);
        }
    }

    @Test
    void a_client_that_never_finishes_its_body_does_not_block_others() throws Exception {
        try (Socket slow = new Socket("127.0.0.1", server.gateway.app.port())) {
            OutputStream out = slow.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + Gateway.KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"model\":").getBytes(StandardCharsets.UTF_8));
            out.flush();
            for (int i = 0; i < 3; i++) {
                try (Response r = server.gateway.post("/v1/chat/completions", Gateway.chat("gpt-4o", "hi", null))) {
                    assertThat(r.code()).isEqualTo(200);
                }
            }
        }
        try (Response r = server.gateway.get("/health")) {
            assertThat(r.code()).isEqualTo(200);
        }
    }
}
