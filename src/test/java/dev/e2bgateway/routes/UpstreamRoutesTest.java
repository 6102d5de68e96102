package dev.e2bgateway.routes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.App;
import dev.e2bgateway.config.Config;
import dev.e2bgateway.config.ConfigException;
import dev.e2bgateway.core.InFlight;
import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.ForwardProxy;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.BrokenFiles;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.Poll;
import dev.e2bgateway.support.Script;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Several upstream routes: spread by weight, a daily limit sat out until its reset, failover before the first byte. */
class UpstreamRoutesTest {

    static final String DAILY = "You have reached your request limit for the day.";

    static int chat(Gateway gateway) throws IOException {
        try (Response r = gateway.post("/v1/chat/completions", Gateway.chat("gpt-4o", "Hi", null))) {
            r.body().string();
            return r.code();
        }
    }

    static double metric(Gateway gateway, String series) throws IOException {
        try (Response r = gateway.get("/metrics")) {
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(r.body().string());
            return m.find() ? Double.parseDouble(m.group(1)) : 0;
        }
    }

    static JsonNode upstreams(Gateway gateway) throws IOException {
        try (Response r = gateway.get("/v1/gateway/upstreams")) {
            assertThat(r.code()).isEqualTo(200);
            return Gateway.json(r).get("data");
        }
    }

    static int drain(FakeFragments upstream) {
        int n = 0;
        while (true) {
            try {
                upstream.assertNoRequest();
                return n;
            } catch (AssertionError pending) {
                upstream.takeRequest();
                n++;
            }
        }
    }

    @Test
    void requests_go_round_the_routes_by_weight(@TempDir Path dir) throws IOException {
        try (FakeFragments a = new FakeFragments(); FakeFragments b = new FakeFragments()) {
            Path file = dir.resolve("upstreams.json");
            Files.writeString(file, "{\"upstreams\": [{\"name\": \"a\", \"baseUrl\": \"" + a.baseUrl() + "\", \"weight\": 3},"
                    + "{\"name\": \"b\", \"baseUrl\": \"" + b.baseUrl() + "\"}, {\"name\": \"off\", \"baseUrl\": \"http://127.0.0.1:9\", \"enabled\": false}]}");
            try (Gateway gateway = Gateway.start(a, Map.of("E2B_UPSTREAMS_FILE", file.toString()))) {
                for (int i = 0; i < 8; i++) assertThat(chat(gateway)).isEqualTo(200);
                assertThat(drain(a)).isEqualTo(6);
                assertThat(drain(b)).isEqualTo(2);
                assertThat(metric(gateway, "gateway_upstream_route_attempts_total{route=\"a\"}")).isEqualTo(6);
                assertThat(upstreams(gateway)).hasSize(2);
                try (Response r = gateway.http.newCall(new Request.Builder().url(gateway.baseUrl() + "/v1/gateway/upstreams").build()).execute()) {
                    assertThat(r.code()).as("the route list needs the key").isEqualTo(401);
                }
            }
        }
    }

    @Test
    void a_route_at_its_daily_limit_sits_out_and_the_request_moves_on(@TempDir Path dir) throws Exception {
        try (FakeFragments limited = new FakeFragments(); FakeFragments healthy = new FakeFragments();
             Gateway gateway = Gateway.start(limited, Map.of("E2B_BASE_URL", limited.baseUrl() + "," + healthy.baseUrl()))) {
            // Far off: that the route comes back at its reset is RouteTableTest's, on a fake clock.
            long reset = System.currentTimeMillis() + 3_600_000;
            limited.enqueue(Script.status(429, DAILY).header("X-RateLimit-Reset", String.valueOf(reset)));
            // Round robin starts at route-1: the limited one answers 429, the same request goes to route-2 at once.
            assertThat(chat(gateway)).isEqualTo(200);
            assertThat(drain(limited)).isEqualTo(1);
            assertThat(drain(healthy)).isEqualTo(1);
            JsonNode status = upstreams(gateway);
            assertThat(status.get(0).get("available").asBoolean()).isFalse();
            assertThat(status.get(0).get("reason").asText()).isEqualTo("daily_limit");
            assertThat(status.get(0).get("sittingOutUntil").asLong()).isEqualTo(reset);
            for (int i = 0; i < 4; i++) assertThat(chat(gateway)).isEqualTo(200);
            assertThat(drain(limited)).as("sitting out").isZero();
            assertThat(drain(healthy)).isEqualTo(4);
            try (Response r = gateway.get("/health")) {
                JsonNode health = Gateway.json(r);
                assertThat(health.at("/upstreams/available").asInt()).isEqualTo(1);
                assertThat(health.at("/upstreams/sitting_out").asInt()).isEqualTo(1);
                assertThat(health.toString()).doesNotContain("127.0.0.1");
            }
        }
    }

    @Test
    void when_every_route_is_at_its_limit_the_client_gets_429_with_the_soonest_reset() throws IOException {
        try (FakeFragments a = new FakeFragments(); FakeFragments b = new FakeFragments();
             Gateway gateway = Gateway.start(a, Map.of("E2B_BASE_URL", a.baseUrl() + "," + b.baseUrl()))) {
            // Resets an hour apart: whatever the machine's pace, the answer can only come from b's, the sooner
            // (the exact figures on a fake clock: RouteTableTest).
            long now = System.currentTimeMillis();
            a.enqueue(Script.status(429, DAILY).header("X-RateLimit-Reset", String.valueOf(now + 7_200_000)));
            b.enqueue(Script.status(429, DAILY).header("X-RateLimit-Reset", String.valueOf(now + 3_600_000)));
            try (Response r = gateway.post("/v1/chat/completions", Gateway.chat("gpt-4o", "Hi", null))) {
                assertThat(r.code()).isEqualTo(429);
                assertThat(Long.parseLong(r.header("Retry-After"))).as("b's reset, not a's").isPositive().isLessThanOrEqualTo(3_600L);
                assertThat(r.header("x-should-retry")).isEqualTo("false");
                assertThat(Gateway.json(r).at("/error/message").asText()).as("says when, for a person reading it")
                        .matches("Every upstream route has reached the host's daily request limit\\. "
                                + "Try again in about \\d+ min \\(at ([A-Z][a-z]{2} \\d{1,2}, )?\\d\\d:\\d\\d UTC\\)\\."); // the day too past midnight UTC
            }
            try (Response r = gateway.post("/v1/chat/completions", Gateway.chat("gpt-4o", "Hi", null))) {
                assertThat(r.code()).as("no upstream call while every route sits out").isEqualTo(429);
            }
            assertThat(drain(a) + drain(b)).isEqualTo(2);
        }
    }

    @Test
    void a_failing_route_is_failed_over_before_the_first_byte_and_sits_out_then_gets_a_trial() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort(); // a port nobody listens on once closed: connections are refused
        }
        try (FakeFragments healthy = new FakeFragments();
             Gateway gateway = Gateway.start(healthy, Map.of("E2B_BASE_URL", "http://127.0.0.1:" + closed + "," + healthy.baseUrl(),
                     "E2B_RETRY_MAX_ATTEMPTS", "2"))) {
            assertThat(chat(gateway)).isEqualTo(200);
            assertThat(drain(healthy)).isEqualTo(1);
            JsonNode refused = upstreams(gateway).get(0);
            assertThat(refused.get("reason").asText()).isEqualTo("failing");
            assertThat(refused.get("failures").asInt()).isEqualTo(1);
            Poll.until("the break ends", Duration.ofSeconds(5), () -> upstreams(gateway).get(0).get("available").asBoolean());
            // Round robin reaches the refused route within two requests: its trial fails, the request moves on.
            assertThat(chat(gateway)).isEqualTo(200);
            if (upstreams(gateway).get(0).get("failures").asInt() == 1) assertThat(chat(gateway)).isEqualTo(200);
            JsonNode after = upstreams(gateway).get(0);
            assertThat(after.get("failures").asInt()).as("a longer break after the failed trial").isEqualTo(2);
            assertThat(after.get("reason").asText()).isEqualTo("failing");
            drain(healthy);
        }
    }

    @Test
    void a_slow_route_is_failed_over_but_a_reply_cut_after_bytes_is_never_repeated() throws IOException {
        try (FakeFragments slow = new FakeFragments(); FakeFragments healthy = new FakeFragments();
             Gateway gateway = Gateway.start(slow, Map.of("E2B_BASE_URL", slow.baseUrl() + "," + healthy.baseUrl(),
                     "E2B_FIRST_BYTE_TIMEOUT_MS", "300"))) {
            slow.enqueue(Script.reply("late").headerDelay(30_000)); // a slow route: only the 300 ms timeout can end its wait
            assertThat(chat(gateway)).isEqualTo(200);
            assertThat(drain(healthy)).isEqualTo(1);
            drain(slow);
            // The healthy route streams half a reply and cuts: bytes reached the client, no failover.
            healthy.enqueue(Script.ok(Fragments.json("c", "half a reply that goes on")).truncate(60));
            try (Response r = gateway.post("/v1/chat/completions", Gateway.chat("gpt-4o", "Hi", "\"stream\":true"))) {
                assertThat(r.body().string()).contains("\"error\"");
            }
            assertThat(drain(healthy)).isEqualTo(1);
            assertThat(drain(slow)).as("no second attempt once the client had bytes").isZero();
        }
    }

    @Test
    void a_providers_limit_moves_only_to_a_route_with_another_key_and_keys_and_proxies_are_per_route(@TempDir Path dir) throws IOException {
        try (FakeFragments a = new FakeFragments(); FakeFragments b = new FakeFragments(); FakeFragments c = new FakeFragments();
             ForwardProxy proxy = new ForwardProxy("rita", "pw")) {
            Path file = dir.resolve("upstreams.json");
            Files.writeString(file, "{\"upstreams\": ["
                    + "{\"name\": \"a\", \"baseUrl\": \"" + a.baseUrl() + "\", \"providerKeys\": {\"openai\": \"sk-key-one-0123456789\"}},"
                    + "{\"name\": \"b\", \"baseUrl\": \"" + b.baseUrl() + "\", \"providerKeys\": {\"openai\": \"sk-key-one-0123456789\"}},"
                    + "{\"name\": \"c\", \"baseUrl\": \"" + c.baseUrl() + "\", \"proxy\": \"http://rita:pw@127.0.0.1:" + proxy.port() + "\","
                    + " \"providerKeys\": {\"openai\": \"sk-key-two-0123456789\"}}]}");
            try (Gateway gateway = Gateway.start(a, Map.of("E2B_UPSTREAMS_FILE", file.toString()))) {
                a.enqueue(Script.status(429, "The provider is currently unavailable due to request limit. Try using your own API key."));
                assertThat(chat(gateway)).isEqualTo(200);
                assertThat(a.takeRequest().body().at("/config/apiKey").asText()).isEqualTo("sk-key-one-0123456789");
                assertThat(c.takeRequest().body().at("/config/apiKey").asText()).as("the route with another key").isEqualTo("sk-key-two-0123456789");
                assertThat(drain(b)).as("b shares a's key: not tried").isZero();
                assertThat(proxy.forwarded()).containsExactly(c.baseUrl() + "/api/chat");
                JsonNode status = upstreams(gateway);
                assertThat(status.toString()).doesNotContain("sk-key", "rita", "127.0.0.1");
            }
        }
    }

    @Test
    void a_broken_upstreams_file_stops_startup_naming_the_entry_and_field(@TempDir Path dir) throws IOException {
        Map<String, String> broken = Map.of(
                "{\"upstreams\": [{\"baseUrl\": \"http://x\"}]}", "upstreams[0] field 'name'",
                "{\"upstreams\": [{\"name\": \"a\", \"baseUrl\": \"ftp://x\"}]}", "upstreams[0] (a) field 'baseUrl'",
                "{\"upstreams\": [{\"name\": \"a\", \"baseUrl\": \"http://x\", \"proxy\": \"gopher://p:1\"}]}", "upstreams[0] (a) field 'proxy'",
                "{\"upstreams\": [{\"name\": \"a\", \"baseUrl\": \"http://x\", \"weight\": 0}]}", "upstreams[0] (a) field 'weight'",
                "{\"upstreams\": [{\"name\": \"a\", \"baseUrl\": \"http://x\", \"providerKeys\": {\"opneai\": \"sk-secret-1\"}}]}", "opneai",
                "{\"upstreams\": [{\"name\": \"a\", \"baseUrl\": \"http://x\", \"enabled\": false}]}", "every route is disabled",
                "{\"routes\": []}", "{\"upstreams\": [");
        BrokenFiles.assertEachStopsStartup(dir, "E2B_UPSTREAMS_FILE", broken, "sk-secret-1");
    }

    @Test
    void the_shipped_example_file_loads() throws IOException {
        try (FakeFragments upstream = new FakeFragments();
             Gateway gateway = Gateway.start(upstream, Map.of("E2B_UPSTREAMS_FILE", Path.of("upstreams.example.json").toAbsolutePath().toString()))) {
            JsonNode routes = upstreams(gateway);
            assertThat(routes).hasSize(3); // the fourth is disabled
            assertThat(routes.get(0).get("weight").asInt()).isEqualTo(3);
            assertThat(routes.toString()).doesNotContain("sk-your-own", "password", "example");
        }
    }
}
