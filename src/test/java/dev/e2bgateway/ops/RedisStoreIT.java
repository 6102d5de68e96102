package dev.e2bgateway.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.GatewayProcess;
import dev.e2bgateway.support.Poll;
import dev.e2bgateway.support.RedisServer;
import dev.e2bgateway.support.Script;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stored responses in a real Redis (Debian's redis-server, started by the test) shared by two
 * gateway processes, as behind the nginx of deploy/: a conversation started on one gateway goes
 * on on the other; with Redis gone, what needs it fails at once with a clear 503 while the rest
 * is served; and once Redis is back, so is the store (within a window of Redis's breaker).
 */
class RedisStoreIT {

    @TempDir
    Path dir;

    private final OkHttpClient client = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();

    @Test
    void two_gateways_share_conversations_and_survive_redis_going_away() throws Exception {
        try (RedisServer redis = RedisServer.start(dir);
             FakeFragments upstream = new FakeFragments()) {
            Map<String, String> env = Map.of("E2B_BASE_URL", upstream.baseUrl(), "E2B_REDIS_URL", redis.url(3),
                    "E2B_RESPONSES_TTL", "2h");
            try (GatewayProcess a = GatewayProcess.start(env); GatewayProcess b = GatewayProcess.start(env)) {
                // 1. Started on A, read and continued on B, and continued again on A.
                upstream.enqueue(Script.reply("Hello Ada!"));
                JsonNode first = ok(post(a, "{\"model\":\"gpt-4o\",\"input\":\"My name is Ada.\"}"));
                upstream.takeRequest();
                assertThat(ok(get(b, "/v1/responses/" + first.get("id").asText()))).isEqualTo(first);

                upstream.enqueue(Script.ok(Fragments.json("c", "You are Ada.")).splitEvery(4));
                String streamed = text(post(b, "{\"model\":\"gpt-4o\",\"stream\":true,\"previous_response_id\":\""
                        + first.get("id").asText() + "\",\"input\":\"Who am I?\"}"));
                assertThat(streamed).contains("event: response.completed");
                assertThat(upstream.takeRequest().body().get("messages")).hasSize(3);
                String secondId = Gateway.json(streamed.substring(streamed.lastIndexOf("data: ") + 6).trim()).at("/response/id").asText();

                upstream.enqueue(Script.reply("Still Ada."));
                ok(post(a, "{\"model\":\"gpt-4o\",\"previous_response_id\":\"" + secondId + "\",\"input\":\"Sure?\"}"));
                assertThat(upstream.takeRequest().body().get("messages")).hasSize(5);

                // An item stored by A, referred to on B.
                upstream.enqueue(Script.reply("Ok."));
                ok(post(b, "{\"model\":\"gpt-4o\",\"store\":false,\"input\":[{\"role\":\"user\",\"content\":\"x\"},{\"type\":\"item_reference\",\"id\":\""
                        + first.at("/output/0/id").asText() + "\"},{\"role\":\"user\",\"content\":\"y\"}]}"));
                assertThat(upstream.takeRequest().body().at("/messages/1/content/0/text").asText()).isEqualTo("Hello Ada!");

                // In Redis, in the configured database, with the TTL.
                try (Jedis jedis = new Jedis(new HostAndPort("127.0.0.1", redis.port()),
                        DefaultJedisClientConfig.builder().password(RedisServer.PASSWORD).database(3).build())) {
                    // Set, and the configured 2 h rather than the default 30 days; how much of it is left depends on the machine's pace.
                    assertThat(jedis.ttl("e2b:response:" + first.get("id").asText())).isPositive().isLessThanOrEqualTo(7200L);
                    assertThat(jedis.ttl("e2b:item:" + first.at("/output/0/id").asText())).isPositive().isLessThanOrEqualTo(7200L);
                }

                // Deleted on B, gone on A.
                try (Response r = client.newCall(request(b, "/v1/responses/" + secondId).delete().build()).execute()) {
                    assertThat(r.code()).isEqualTo(200);
                }
                try (Response r = get(a, "/v1/responses/" + secondId)) {
                    assertThat(r.code()).isEqualTo(404);
                }

                // 2. A stream that was storing when Redis went away still completes (the answer was paid for), with store: false.
                CountDownLatch redisGone = new CountDownLatch(1);
                String fragment = Fragments.json("c", "First part. Second part.");
                int split = fragment.indexOf("Second");
                upstream.enqueue(Script.pieces(fragment.substring(0, split), fragment.substring(split)).gateBefore(1, redisGone));
                try (Response r = post(a, "{\"model\":\"gpt-4o\",\"stream\":true,\"input\":\"Hello\"}")) {
                    BufferedSource source = r.body().source();
                    StringBuilder sse = new StringBuilder();
                    while (!sse.toString().contains("response.output_text.delta")) sse.append(source.readUtf8Line()).append('\n');
                    redis.stop();
                    redisGone.countDown();
                    sse.append(source.readUtf8());
                    assertThat(sse.toString()).doesNotContain("response.failed");
                    String last = sse.substring(sse.lastIndexOf("data: ") + 6).trim();
                    JsonNode completed = Gateway.json(last);
                    assertThat(completed.get("type").asText()).isEqualTo("response.completed");
                    assertThat(completed.at("/response/output_text").asText()).isEqualTo("First part. Second part.");
                    assertThat(completed.at("/response/store").asBoolean()).as("not stored, and saying so").isFalse();
                }
                upstream.takeRequest();

                // 3. Redis down: what needs it is a quick, clear 503 that never reaches the upstream...
                // Redis's port is closed, so the gateway learns at once; a Redis that hangs instead is RedisHangsIT's case.
                // Each 503 names Redis as unreachable, so it was decided while Redis was down (it is only restarted below).
                for (GatewayProcess gateway : new GatewayProcess[]{a, b}) {
                    try (Response r = post(gateway, "{\"model\":\"gpt-4o\",\"input\":\"Hello\"}")) {
                        assertStoreUnavailable(r, redis);
                    }
                    try (Response r = post(gateway, "{\"model\":\"gpt-4o\",\"previous_response_id\":\"" + first.get("id").asText()
                            + "\",\"input\":\"Hello\"}")) {
                        assertStoreUnavailable(r, redis);
                    }
                    try (Response r = get(gateway, "/v1/responses/" + first.get("id").asText())) {
                        assertStoreUnavailable(r, redis);
                    }
                }
                upstream.assertNoRequest();
                // ...and what does not need it is served.
                upstream.enqueue(Script.reply("No store needed."));
                assertThat(ok(post(b, "{\"model\":\"gpt-4o\",\"store\":false,\"input\":\"Hello\"}")).at("/output/0/content/0/text").asText())
                        .isEqualTo("No store needed.");
                upstream.takeRequest();
                try (Response r = client.newCall(request(a, "/v1/chat/completions").post(RequestBody.create(
                        Gateway.chat("gpt-4o", "Hi", null), MediaType.get("application/json"))).build()).execute()) {
                    assertThat(r.code()).isEqualTo(200);
                }
                upstream.takeRequest();

                // 4. Redis back (empty): the gateways store again without a restart, each once its breaker lets a call
                // through (at most 10 s after it failed; until then the quick 503 of step 3).
                redis.restart();
                for (GatewayProcess gateway : new GatewayProcess[]{a, b}) {
                    Poll.until("the gateway reads stored responses from Redis again", Duration.ofSeconds(15), () -> {
                        try (Response r = get(gateway, "/v1/responses/" + first.get("id").asText())) {
                            if (r.code() == 503) assertStoreUnavailable(r, redis);
                            return r.code() == 404; // Redis came back empty
                        }
                    });
                }
                upstream.enqueue(Script.reply("Back."));
                JsonNode again = ok(post(a, "{\"model\":\"gpt-4o\",\"input\":\"Hello again\"}"));
                upstream.takeRequest();
                assertThat(ok(get(b, "/v1/responses/" + again.get("id").asText())).get("id")).isEqualTo(again.get("id"));

                // 5. A Redis restart between two requests costs none: the pooled connections it broke are replaced.
                redis.stop();
                redis.restart();
                upstream.enqueue(Script.reply("After a restart."));
                JsonNode afterRestart = ok(post(b, "{\"model\":\"gpt-4o\",\"input\":\"Hello\"}"));
                assertThat(ok(get(a, "/v1/responses/" + afterRestart.get("id").asText())).get("id")).isEqualTo(afterRestart.get("id"));
                upstream.takeRequest();

                assertThat(a.output() + b.output()).as("the Redis password is never logged").doesNotContain(RedisServer.PASSWORD)
                        .contains("stored responses: Redis at 127.0.0.1:" + redis.port() + "/3");
            }
        }
    }

    private static void assertStoreUnavailable(Response r, RedisServer redis) throws IOException {
        assertThat(r.code()).isEqualTo(503);
        JsonNode error = Gateway.json(r).get("error");
        assertThat(error.get("type").asText()).isEqualTo("server_error");
        assertThat(error.get("code").asText()).isEqualTo("store_unavailable");
        assertThat(error.get("message").asText()).contains("Redis at 127.0.0.1:" + redis.port() + "/3", "store: false")
                .doesNotContain(RedisServer.PASSWORD);
    }

    private Request.Builder request(GatewayProcess gateway, String path) {
        return new Request.Builder().url(gateway.baseUrl() + path).header("Authorization", "Bearer " + Gateway.KEY);
    }

    private Response post(GatewayProcess gateway, String body) throws IOException {
        return client.newCall(request(gateway, "/v1/responses").post(RequestBody.create(body, MediaType.get("application/json"))).build()).execute();
    }

    private Response get(GatewayProcess gateway, String path) throws IOException {
        return client.newCall(request(gateway, path).get().build()).execute();
    }

    private static JsonNode ok(Response r) throws IOException {
        try (r) {
            String body = r.body().string();
            assertThat(r.code()).as(body).isEqualTo(200);
            return Gateway.json(body);
        }
    }

    private static String text(Response r) throws IOException {
        try (r) {
            assertThat(r.code()).isEqualTo(200);
            return r.body().string();
        }
    }
}
