package dev.e2bgateway.ollama;

import dev.e2bgateway.config.Config;
import dev.e2bgateway.config.ConfigException;
import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.RunningGateway;
import dev.e2bgateway.support.Script;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Who may use the Ollama door: with E2B_OLLAMA_KEYLESS on a loopback gateway, apps without a key;
 * a wrong key is still refused, and so are web pages of other origins; off, /api/* is not there.
 */
class OllamaAccessTest {

    @RegisterExtension
    static final RunningGateway server = new RunningGateway(Map.of("E2B_OLLAMA", "on", "E2B_OLLAMA_KEYLESS", "on",
            "E2B_OLLAMA_ORIGINS", "chrome-extension://abcdef*"));

    private static Response send(Request.Builder request) throws IOException {
        return server.gateway.http.newCall(request.build()).execute();
    }

    private static Request.Builder keylessChat() {
        return new Request.Builder().url(server.gateway.baseUrl() + "/api/chat").post(RequestBody.create(
                OllamaApiTest.chat("gpt-4o", "Hi", "\"stream\":false"), MediaType.get("application/json")));
    }

    @Test
    void an_app_without_a_key_is_let_in_and_counted_as_keyless() throws IOException {
        server.upstream.enqueue(Script.reply("Hello."));
        try (Response r = send(keylessChat())) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(Gateway.json(r).at("/message/content").asText()).isEqualTo("Hello.");
        }
        try (Response r = send(new Request.Builder().url(server.gateway.baseUrl() + "/api/tags"))) {
            assertThat(r.code()).isEqualTo(200);
        }
    }

    @Test
    void a_wrong_key_is_refused_even_here() throws IOException {
        try (Response r = send(keylessChat().header("Authorization", "Bearer sk-wrong"))) {
            assertThat(r.code()).isEqualTo(401);
            assertThat(Gateway.json(r).get("error").isTextual()).isTrue();
        }
        server.upstream.assertNoRequest();
    }

    @Test
    void a_web_page_of_another_origin_gets_no_keyless_access_but_local_pages_and_listed_extensions_do() throws IOException {
        for (String origin : new String[] {"https://evil.example", "http://127.0.0.1.evil.example", "chrome-extension://zzz"}) {
            try (Response r = send(keylessChat().header("Origin", origin))) {
                assertThat(r.code()).as(origin).isEqualTo(403);
                assertThat(Gateway.json(r).get("error").asText()).contains("E2B_OLLAMA_ORIGINS");
            }
        }
        server.upstream.assertNoRequest();
        for (String origin : new String[] {"http://localhost:3000", "http://127.0.0.1:8080", "app://obsidian.md", "chrome-extension://abcdef"}) {
            server.upstream.enqueue(Script.reply("Hello."));
            try (Response r = send(keylessChat().header("Origin", origin))) {
                assertThat(r.code()).as(origin).isEqualTo(200);
            }
        }
        server.upstream.enqueue(Script.reply("Hello."));
        try (Response r = send(keylessChat().header("Origin", "https://evil.example").header("Authorization", "Bearer " + Gateway.KEY))) {
            assertThat(r.code()).as("with a key, any origin, as on /v1").isEqualTo(200);
        }
    }

    @Test
    void keyless_access_is_refused_at_startup_unless_the_gateway_listens_on_loopback() {
        assertThatThrownBy(() -> Config.from(Map.of("E2B_OLLAMA", "on", "E2B_OLLAMA_KEYLESS", "on", "E2B_HOST", "0.0.0.0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("E2B_OLLAMA_KEYLESS").hasMessageContaining("loopback");
        assertThat(Config.from(Map.of("E2B_OLLAMA", "on", "E2B_OLLAMA_KEYLESS", "on", "E2B_HOST", "127.0.0.1")).ollama().keyless()).isTrue();
        Config defaults = Config.defaults();
        assertThat(defaults.ollama().enabled()).isFalse();
        assertThat(defaults.ollama().keyless()).isFalse();
    }

    @Test
    void with_the_door_off_api_paths_are_not_found_and_the_root_is_the_playground() throws IOException {
        try (FakeFragments upstream = new FakeFragments(); Gateway off = Gateway.start(upstream)) {
            try (Response r = off.get("/api/tags")) {
                assertThat(r.code()).isEqualTo(404);
            }
            try (Response r = off.http.newCall(new Request.Builder().url(off.baseUrl() + "/").build()).execute()) {
                assertThat(r.header("Content-Type")).startsWith("text/html");
            }
        }
    }
}
