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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a request paid for is not lost to Redis (a real redis-server): an answer whose storing
 * failed is returned all the same, saying so; a chat the day's count refused is not counted in
 * the minute's.
 */
class PaidAnswersIT {

    @TempDir
    Path dir;

    private final OkHttpClient client = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(60)).build();

    private Response post(GatewayProcess gw, String key, String path, String body) throws Exception {
        return client.newCall(new Request.Builder().url(gw.baseUrl() + path).header("Authorization", "Bearer " + key)
                .post(RequestBody.create(body, MediaType.get("application/json"))).build()).execute();
    }

    @Test
    void a_response_whose_store_fails_after_the_chat_is_returned_with_store_false_a_header_and_a_warning() throws Exception {
        try (RedisServer redis = RedisServer.start(dir); FakeFragments upstream = new FakeFragments();
             GatewayProcess gw = GatewayProcess.start(Map.of("E2B_BASE_URL", upstream.baseUrl(), "E2B_REDIS_URL", redis.url(0)))) {
            CountDownLatch redisStopped = new CountDownLatch(1);
            String reply = Fragments.json("Replying.", "A paid answer.");
            Script held = Script.pieces(reply.substring(0, reply.length() / 2), reply.substring(reply.length() / 2)).gateBefore(1, redisStopped);
            upstream.enqueue(held);
            CompletableFuture<Response> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return post(gw, Gateway.KEY, "/v1/responses", "{\"model\":\"gpt-4o\",\"input\":\"Hi\",\"store\":true}");
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            upstream.takeRequest(); // the chat is under way
            redis.pause();
            redisStopped.countDown();
            try (Response r = answer.join()) {
                String text = r.body().string();
                assertThat(r.code()).as(text).isEqualTo(200);
                assertThat(r.header("x-e2b-gateway-store-failed")).isEqualTo("true");
                JsonNode response = Gateway.json(text);
                assertThat(response.get("output_text").asText()).isEqualTo("A paid answer.");
                assertThat(response.get("store").asBoolean()).isFalse();
            } finally {
                redis.resume();
            }
            assertThat(held.openedByGate()).as("Redis stopped while the chat ran").isTrue();
            upstream.assertNoRequest(); // no second upstream request for a retry
            Poll.until("the warning is logged", Duration.ofSeconds(10), () -> gw.output().contains("was answered but not stored (store: false)"));
        }
    }

    @Test
    void a_chat_refused_by_the_days_count_is_given_back_to_the_minutes() throws Exception {
        String key = "sk-one-a-day-key-0123456789";
        Path keys = dir.resolve("keys.json");
        Files.writeString(keys, "{\"keys\": [{\"name\": \"ide\", \"key\": \"" + key + "\", \"rpm\": 100, \"rpd\": 1}]}");
        try (RedisServer redis = RedisServer.start(dir); FakeFragments upstream = new FakeFragments();
             GatewayProcess gw = GatewayProcess.start(Map.of("E2B_BASE_URL", upstream.baseUrl(), "E2B_REDIS_URL", redis.url(0),
                     "E2B_KEYS_FILE", keys.toString()));
             Jedis jedis = new Jedis(new HostAndPort("127.0.0.1", redis.port()),
                     DefaultJedisClientConfig.builder().password(RedisServer.PASSWORD).build())) {
            String chat = Gateway.chat("gpt-4o", "Hi", null);
            try (Response r = post(gw, key, "/v1/chat/completions", chat)) {
                assertThat(r.code()).isEqualTo(200);
            }
            for (int i = 0; i < 3; i++) {
                try (Response r = post(gw, key, "/v1/chat/completions", chat)) {
                    assertThat(r.code()).as("one chat a day").isEqualTo(429);
                }
            }
            // The minute counters (one, or two if a minute turned meanwhile) hold the one chat that ran.
            long minuteCount = jedis.keys("e2b:count:rpm:ide:*").stream().mapToLong(k -> Long.parseLong(jedis.get(k))).sum();
            assertThat(minuteCount).isEqualTo(1);
        }
    }
}
