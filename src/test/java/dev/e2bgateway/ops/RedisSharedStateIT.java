package dev.e2bgateway.ops;

import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.Poll;
import dev.e2bgateway.support.RedisServer;
import dev.e2bgateway.support.Script;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a fleet of gateways shares through Redis besides stored responses: each key's counts and each route's daily limit. */
class RedisSharedStateIT {

    static int chat(Gateway gateway) throws IOException {
        try (Response r = gateway.post("/v1/chat/completions", Gateway.chat("gpt-4o", "Hi", null))) {
            r.body().string();
            return r.code();
        }
    }

    @Test
    void two_gateways_count_a_keys_chats_together_and_serve_on_when_redis_is_gone(@TempDir Path dir) throws Exception {
        try (RedisServer redis = RedisServer.start(dir); FakeFragments upstream = new FakeFragments()) {
            Map<String, String> env = Map.of("E2B_REDIS_URL", redis.url(1), "E2B_KEY_RPD", "2");
            try (Gateway a = Gateway.start(upstream, env); Gateway b = Gateway.start(upstream, env)) {
                assertThat(chat(a)).isEqualTo(200);
                assertThat(chat(b)).isEqualTo(200);
                assertThat(chat(a)).as("the key's two chats a day were spent across both gateways").isEqualTo(429);
                assertThat(chat(b)).isEqualTo(429);
                redis.stop();
                assertThat(chat(a)).as("limits are not applied while Redis is gone, chats are served").isEqualTo(200);
            }
        }
    }

    @Test
    void a_route_one_gateway_found_at_its_daily_limit_is_left_alone_by_the_other(@TempDir Path dir) throws Exception {
        try (RedisServer redis = RedisServer.start(dir); FakeFragments limited = new FakeFragments(); FakeFragments healthy = new FakeFragments()) {
            Map<String, String> env = Map.of("E2B_REDIS_URL", redis.url(2), "E2B_BASE_URL", limited.baseUrl() + "," + healthy.baseUrl());
            try (Gateway a = Gateway.start(limited, env); Gateway b = Gateway.start(limited, env)) {
                limited.enqueue(Script.status(429, "You have reached your request limit for the day.")
                        .header("X-RateLimit-Reset", String.valueOf(System.currentTimeMillis() + 60_000)));
                assertThat(chat(a)).isEqualTo(200); // route-1 refused it, route-2 answered
                limited.takeRequest();
                healthy.takeRequest();
                // b reads the shared marks in the background, once a second.
                Poll.until("b learns of route-1's limit", Duration.ofSeconds(10), () -> {
                    try (Response r = b.get("/v1/gateway/upstreams")) {
                        return Gateway.json(r).at("/data/0/reason").asText().equals("daily_limit");
                    }
                });
                for (int i = 0; i < 4; i++) assertThat(chat(b)).isEqualTo(200);
                limited.assertNoRequest(); // b never tried the route a found limited
                for (int i = 0; i < 4; i++) healthy.takeRequest();
                try (Response r = b.get("/v1/gateway/upstreams")) {
                    assertThat(Gateway.json(r).at("/data/0/reason").asText()).isEqualTo("daily_limit");
                }
            }
        }
    }
}
