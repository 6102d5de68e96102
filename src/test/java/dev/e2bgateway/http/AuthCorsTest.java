package dev.e2bgateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.RunningGateway;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AuthCorsTest {

    @RegisterExtension
    static final RunningGateway server = new RunningGateway(Map.of("E2B_API_KEY", Gateway.KEY + ",sk-second-key-for-an-app"));

    private Response call(Request.Builder builder) throws IOException {
        return server.gateway.http.newCall(builder.build()).execute();
    }

    private Request.Builder raw(String path) {
        return new Request.Builder().url(server.gateway.baseUrl() + path);
    }

    @Test
    void a_missing_key_gets_401_with_the_openai_error_shape() throws IOException {
        try (Response r = call(raw("/v1/models"))) {
            assertThat(r.code()).isEqualTo(401);
            assertThat(r.header("x-should-retry")).isEqualTo("false");
            JsonNode error = Gateway.json(r).get("error");
            assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.get("code").asText()).isEqualTo("invalid_api_key");
            assertThat(error.has("param")).isTrue();
            assertThat(error.get("param").isNull()).isTrue();
            assertThat(error.get("message").asText()).isNotBlank();
        }
    }

    @Test
    void a_wrong_key_gets_401_and_never_reaches_the_upstream() throws IOException {
        String body = Gateway.chat("gpt-4o", "hi", null);
        try (Response r = call(raw("/v1/chat/completions").header("Authorization", "Bearer sk-wrong")
                .post(RequestBody.create(body, MediaType.get("application/json"))))) {
            assertThat(r.code()).isEqualTo(401);
        }
        try (Response r = call(raw("/v1/models").header("Authorization", "Bearer " + Gateway.KEY + "x"))) {
            assertThat(r.code()).isEqualTo(401);
        }
        try (Response r = call(raw("/v1/models").header("Authorization", Gateway.KEY))) {
            assertThat(r.code()).as("a key without 'Bearer'").isEqualTo(401);
        }
        server.upstream.assertNoRequest();
    }

    @Test
    void every_configured_key_is_accepted() throws IOException {
        for (String key : new String[]{Gateway.KEY, "sk-second-key-for-an-app"}) {
            try (Response r = call(raw("/v1/models").header("Authorization", "Bearer " + key))) {
                assertThat(r.code()).isEqualTo(200);
            }
        }
        try (Response r = call(raw("/v1/models").header("authorization", "bearer " + Gateway.KEY))) {
            assertThat(r.code()).as("scheme is case-insensitive").isEqualTo(200);
        }
    }

    @Test
    void health_needs_no_key() throws IOException {
        try (Response r = call(raw("/health"))) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(Gateway.json(r).get("status").asText()).isEqualTo("ok");
        }
    }

    @Test
    void a_preflight_is_answered_without_auth_and_echoes_the_requested_headers() throws IOException {
        try (Response r = call(raw("/v1/chat/completions").method("OPTIONS", null)
                .header("Origin", "http://localhost:3000")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type, x-stainless-os"))) {
            assertThat(r.code()).isEqualTo(204);
            assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("*");
            assertThat(r.header("Access-Control-Allow-Methods")).contains("GET", "POST", "OPTIONS");
            assertThat(r.header("Access-Control-Allow-Headers")).isEqualTo("authorization, content-type, x-stainless-os");
        }
    }

    private Request.Builder preflight(String path) {
        return raw(path).method("OPTIONS", null)
                .header("Origin", "http://localhost:3000")
                .header("Access-Control-Request-Method", "POST");
    }

    @Test
    void a_preflight_is_answered_on_any_path_with_no_list_of_paths_to_keep() throws IOException {
        // Paths no route has (yet): a preflight only asks whether the real request may be sent.
        for (String path : new String[]{"/v1/a/route/added/later", "/v1/responses/resp_123/cancel", "/v1//models"}) {
            try (Response r = call(preflight(path).header("Access-Control-Request-Private-Network", "true"))) {
                assertThat(r.code()).as(path).isEqualTo(204);
                assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("*");
                assertThat(r.header("Access-Control-Allow-Methods")).contains("POST");
                assertThat(r.header("Access-Control-Allow-Headers")).isEqualTo("*");
                assertThat(r.header("Access-Control-Allow-Private-Network")).as("preflights never grant it").isNull();
                assertThat(r.body().bytes()).isEmpty();
            }
        }
        // The request itself still meets the routes: an unknown path is a 404, whatever the method.
        try (Response r = call(raw("/v1/a/route/added/later").header("Authorization", "Bearer " + Gateway.KEY)
                .post(RequestBody.create("{}", MediaType.get("application/json"))))) {
            assertThat(r.code()).isEqualTo(404);
        }
        server.upstream.assertNoRequest();
    }

    @Test
    void an_options_request_that_is_no_preflight_gets_no_cors_answer() throws IOException {
        try (Response r = call(raw("/nothing/here").method("OPTIONS", null))) {
            assertThat(r.code()).isEqualTo(404);
            assertThat(r.header("Access-Control-Allow-Methods")).isNull();
        }
    }

    @Test
    void a_preflight_from_a_page_on_a_rebound_domain_is_refused() throws IOException {
        // The Host check comes first: a preflight is no way around it.
        try (Response r = call(preflight("/v1/chat/completions").header("Host", "rebind.evil.example"))) {
            assertThat(r.code()).isEqualTo(403);
            assertThat(r.header("Access-Control-Allow-Methods")).isNull();
        }
    }

    @Test
    void every_response_carries_cors_and_a_request_id() throws IOException {
        try (Response ok = server.gateway.get("/v1/models"); Response denied = call(raw("/v1/models")); Response missing = server.gateway.get("/nope")) {
            for (Response r : new Response[]{ok, denied, missing}) {
                assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("*");
                assertThat(r.header("x-request-id")).startsWith("req_");
            }
        }
    }

    @Test
    void an_unknown_path_is_a_404_in_the_openai_shape() throws IOException {
        try (Response r = server.gateway.get("/v1/embeddings")) {
            assertThat(r.code()).isEqualTo(404);
            assertThat(Gateway.json(r).at("/error/type").asText()).isEqualTo("invalid_request_error");
        }
        try (Response r = call(raw("/nothing/here"))) {
            assertThat(r.code()).isEqualTo(404);
            assertThat(Gateway.json(r).at("/error/message").asText()).contains("/nothing/here");
        }
    }

    @Test
    void a_wrong_method_on_a_known_path_is_a_405() throws IOException {
        try (Response r = server.gateway.get("/v1/chat/completions")) {
            assertThat(r.code()).isEqualTo(405);
            assertThat(Gateway.json(r).at("/error/code").asText()).isEqualTo("method_not_allowed");
        }
    }

    @Test
    void double_slashes_in_paths_are_tolerated() throws IOException {
        try (Response r = server.gateway.get("/v1//models")) {
            assertThat(r.code()).isEqualTo(200);
        }
    }
}
