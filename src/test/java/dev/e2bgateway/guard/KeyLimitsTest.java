package dev.e2bgateway.guard;

import dev.e2bgateway.App;
import dev.e2bgateway.config.Config;
import dev.e2bgateway.config.ConfigException;
import dev.e2bgateway.core.InFlight;
import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.BrokenFiles;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.Script;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Per-key limits: chats per minute and per day and at once, 429 with Retry-After in the caller's dialect. */
class KeyLimitsTest {

    static Response chat(Gateway gateway, String key, String path, String body) throws IOException {
        return gateway.http.newCall(new Request.Builder().url(gateway.baseUrl() + path).header("Authorization", "Bearer " + key)
                .post(RequestBody.create(body, MediaType.get("application/json"))).build()).execute();
    }

    static String openai() {
        return Gateway.chat("gpt-4o", "Hi", null);
    }

    /** Windows are fixed minutes: the gateway's clock stands 5 s into one, so the test can never straddle two. */
    private static final long FIVE_SECONDS_INTO_A_MINUTE = 29_000_000L * 60_000 + 5_000;

    @Test
    void chats_over_the_per_minute_limit_get_429_with_retry_after_and_headers_say_what_is_left() throws Exception {
        try (FakeFragments upstream = new FakeFragments();
             Gateway gateway = Gateway.start(upstream, Map.of("E2B_KEY_RPM", "2"), () -> FIVE_SECONDS_INTO_A_MINUTE)) {
            try (Response r = chat(gateway, Gateway.KEY, "/v1/chat/completions", "{\"model\":\"gpt-4o\"}")) {
                assertThat(r.code()).as("a bad request does not count").isEqualTo(400);
            }
            for (int i = 1; i <= 2; i++) {
                try (Response r = chat(gateway, Gateway.KEY, "/v1/chat/completions", openai())) {
                    assertThat(r.code()).isEqualTo(200);
                    assertThat(r.header("x-ratelimit-limit-requests")).isEqualTo("2");
                    assertThat(r.header("x-ratelimit-remaining-requests")).isEqualTo(String.valueOf(2 - i));
                    assertThat(r.header("x-ratelimit-reset-requests")).isEqualTo("55s");
                }
            }
            try (Response r = chat(gateway, Gateway.KEY, "/v1/chat/completions", openai())) {
                assertThat(r.code()).isEqualTo(429);
                assertThat(r.header("Retry-After")).isEqualTo("55");
                assertThat(r.header("x-ratelimit-remaining-requests")).isEqualTo("0");
                assertThat(Gateway.json(r).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
            }
            String anthropic = "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
            try (Response r = chat(gateway, Gateway.KEY, "/v1/messages", anthropic)) {
                assertThat(r.code()).isEqualTo(429);
                assertThat(Gateway.json(r).at("/error/type").asText()).isEqualTo("rate_limit_error");
                assertThat(r.header("Retry-After")).isNotNull();
            }
            try (Response r = gateway.get("/v1/models")) {
                assertThat(r.code()).as("listing models is no chat").isEqualTo(200);
                assertThat(r.header("x-ratelimit-remaining-requests")).isEqualTo("0");
            }
            upstream.takeRequest();
            upstream.takeRequest();
            upstream.assertNoRequest();
            try (Response r = gateway.get("/metrics")) {
                assertThat(r.body().string()).containsPattern("gateway_key_limited_total\\{key=\"default\",limit=\"rpm\"} 2");
            }
        }
    }

    @Test
    void a_broken_keys_file_stops_startup_naming_the_entry_and_field(@TempDir Path dir) throws IOException {
        Map<String, String> broken = Map.of(
                "{\"keys\": [{\"key\": \"sk-x\"}]}", "keys[0] field 'name'",
                "{\"keys\": [{\"name\": \"a\"}]}", "keys[0] (a) needs 'key'",
                "{\"keys\": [{\"name\": \"a\", \"key\": \"sk-x\", \"rpm\": -1}]}", "keys[0] (a) field 'rpm'",
                "{\"keys\": [{\"name\": \"a\", \"sha256\": \"abc\"}]}", "keys[0] (a) needs 'key'",
                "{\"keys\": [{\"name\": \"a\", \"key\": \"sk-1\"}, {\"name\": \"a\", \"key\": \"sk-2\"}]}", "'a' is used twice",
                "[]", "{\"keys\": [...]}");
        BrokenFiles.assertEachStopsStartup(dir, "E2B_KEYS_FILE", broken, "sk-x");
    }
}
