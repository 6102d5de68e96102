package dev.e2bgateway.guard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.FakeFragments;
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

/** DNS rebinding: a loopback gateway answers only to loopback names, and to what E2B_ALLOWED_HOSTS adds. */
class HostHeaderTest {

    @RegisterExtension
    static final RunningGateway server = new RunningGateway(); // bound to 127.0.0.1 with a key (see Gateway)

    static Response get(Gateway gateway, String path, String host) throws IOException {
        return gateway.http.newCall(gateway.request(path).header("Host", host).get().build()).execute();
    }

    @Test
    void a_rebound_domain_is_refused_in_the_callers_dialect_even_with_the_right_key() throws IOException {
        try (Response r = get(server.gateway, "/v1/models", "rebind.evil.example:8080")) {
            assertThat(r.code()).isEqualTo(403);
            JsonNode error = Gateway.json(r).get("error");
            assertThat(error.get("code").asText()).isEqualTo("host_not_allowed");
            assertThat(error.get("message").asText()).contains("rebind.evil.example", "E2B_ALLOWED_HOSTS");
        }
        try (Response r = get(server.gateway, "/health", "rebind.evil.example")) {
            assertThat(r.code()).as("/health follows the same rule").isEqualTo(403);
        }
        Request messages = server.gateway.request("/v1/messages").header("Host", "rebind.evil.example")
                .post(RequestBody.create("{}", MediaType.get("application/json"))).build();
        try (Response r = server.gateway.http.newCall(messages).execute()) {
            assertThat(r.code()).isEqualTo(403);
            JsonNode body = Gateway.json(r);
            assertThat(body.get("type").asText()).isEqualTo("error");
            assertThat(body.at("/error/type").asText()).isEqualTo("permission_error");
        }
        server.upstream.assertNoRequest();
    }

    @Test
    void loopback_names_are_answered_on_any_port() throws IOException {
        for (String host : new String[]{"localhost", "localhost:1234", "127.0.0.1", "127.0.0.1:8080", "[::1]", "[::1]:9000", "LOCALHOST:80"}) {
            try (Response r = get(server.gateway, "/v1/models", host)) {
                assertThat(r.code()).as(host).isEqualTo(200);
            }
        }
        for (String host : new String[]{"localhost.evil.example", "127.0.0.1.nip.io", "evil.localhost.example"}) {
            try (Response r = get(server.gateway, "/v1/models", host)) {
                assertThat(r.code()).as(host).isEqualTo(403);
            }
        }
    }

    @Test
    void allowed_hosts_add_exact_names_and_suffixes() throws IOException {
        try (FakeFragments upstream = new FakeFragments();
             Gateway gateway = Gateway.start(upstream, Map.of("E2B_ALLOWED_HOSTS", "gw.lan, .example.com"))) {
            for (String host : new String[]{"gw.lan:8080", "example.com", "api.example.com", "a.b.example.com:443", "localhost"}) {
                try (Response r = get(gateway, "/v1/models", host)) {
                    assertThat(r.code()).as(host).isEqualTo(200);
                }
            }
            for (String host : new String[]{"other.lan", "badexample.com", "example.com.evil"}) {
                try (Response r = get(gateway, "/v1/models", host)) {
                    assertThat(r.code()).as(host).isEqualTo(403);
                }
            }
        }
    }

    @Test
    void a_gateway_bound_beyond_loopback_answers_every_host_unless_told_otherwise() throws IOException {
        try (FakeFragments upstream = new FakeFragments();
             Gateway open = Gateway.start(upstream, Map.of("E2B_HOST", "0.0.0.0"));
             Gateway listed = Gateway.start(upstream, Map.of("E2B_HOST", "0.0.0.0", "E2B_ALLOWED_HOSTS", "gw.example.org"))) {
            try (Response r = get(open, "/v1/models", "anything.example")) {
                assertThat(r.code()).isEqualTo(200);
            }
            try (Response r = get(listed, "/v1/models", "anything.example")) {
                assertThat(r.code()).isEqualTo(403);
            }
            try (Response r = get(listed, "/v1/models", "gw.example.org")) {
                assertThat(r.code()).isEqualTo(200);
            }
        }
    }

    @Test
    void private_network_access_preflights_get_no_permission() throws IOException {
        Request preflight = new Request.Builder().url(server.gateway.baseUrl() + "/v1/chat/completions")
                .method("OPTIONS", null)
                .header("Origin", "https://public.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Private-Network", "true").build();
        try (Response r = server.gateway.http.newCall(preflight).execute()) {
            assertThat(r.code()).isEqualTo(204);
            assertThat(r.header("Access-Control-Allow-Private-Network")).as("public pages stay out").isNull();
        }
    }
}
