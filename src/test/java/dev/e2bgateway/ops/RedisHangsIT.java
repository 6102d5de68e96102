package dev.e2bgateway.ops;

import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.GatewayProcess;
import dev.e2bgateway.support.Poll;
import dev.e2bgateway.support.RedisServer;
import dev.e2bgateway.support.Script;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Redis that hangs (a real redis-server frozen with SIGSTOP) under a gateway process with two
 * routes: it costs no chat a wait. Route marks are read into a snapshot and written by a thread
 * of their own; nothing on a chat's way waits for Redis. A key with limits, counted in Redis on
 * the chat's way, costs one chat Redis's timeout per breaker window, not every chat; a chat that
 * ends while Redis hangs ends cleanly, and its key gets its slot back.
 */
class RedisHangsIT {

    private static final int CHATS = 64;

    @TempDir
    Path dir;

    private final OkHttpClient client = new OkHttpClient.Builder()
            .readTimeout(Duration.ofSeconds(60))
            .dispatcher(dispatcher())
            .connectionPool(new ConnectionPool(CHATS, 1, TimeUnit.MINUTES))
            .build();

    private static Dispatcher dispatcher() {
        Dispatcher d = new Dispatcher();
        d.setMaxRequests(CHATS);
        d.setMaxRequestsPerHost(CHATS);
        return d;
    }

    private int chat(GatewayProcess gw) throws Exception {
        return chat(gw, Gateway.KEY).code;
    }

    /** A chat's status and its {@code x-ratelimit-remaining-requests} (null when its limits were not checked). */
    private record Answer(int code, String remaining) {
    }

    private Answer chat(GatewayProcess gw, String key) throws Exception {
        try (Response r = client.newCall(new Request.Builder().url(gw.baseUrl() + "/v1/chat/completions")
                .header("Authorization", "Bearer " + key)
                .post(RequestBody.create(Gateway.chat("gpt-4o", "Hi", null), MediaType.get("application/json"))).build()).execute()) {
            r.body().string();
            return new Answer(r.code(), r.header("x-ratelimit-remaining-requests"));
        }
    }

    @Test
    void sixty_four_chats_through_two_routes_all_complete_while_redis_hangs() throws Exception {
        try (RedisServer redis = RedisServer.start(dir); FakeFragments a = new FakeFragments(); FakeFragments b = new FakeFragments();
             GatewayProcess gw = GatewayProcess.start(Map.of("E2B_BASE_URL", a.baseUrl() + "," + b.baseUrl(),
                     "E2B_REDIS_URL", redis.url(0)))) {
            assertThat(chat(gw)).isEqualTo(200); // warm: the gateway has talked to Redis once
            redis.pause();
            // One route meets its daily limit while Redis hangs: its mark has to be written somewhere.
            long reset = System.currentTimeMillis() + 3_600_000;
            a.enqueue(Script.status(429, "You have reached your request limit for the day.")
                    .header("X-RateLimit-Reset", String.valueOf(reset)));
            ExecutorService pool = Executors.newFixedThreadPool(CHATS);
            try {
                List<Future<Integer>> chats = new ArrayList<>();
                for (int i = 0; i < CHATS; i++) chats.add(pool.submit(() -> chat(gw)));
                // A chat that waited for Redis would wait for its 2 s timeout, with the route table's
                // lock held: 64 chats took over half a minute. The deadline only bounds a broken run.
                for (Future<Integer> f : chats) assertThat(f.get(20, TimeUnit.SECONDS)).isEqualTo(200);
            } finally {
                pool.shutdownNow();
            }
            assertThat(redis.paused()).as("every chat finished while Redis was still frozen").isTrue();
            redis.resume();

            // The mark written while Redis hung reaches it once Redis answers.
            try (Jedis jedis = new Jedis(new HostAndPort("127.0.0.1", redis.port()),
                    DefaultJedisClientConfig.builder().password(RedisServer.PASSWORD).build())) {
                Poll.until("the daily-limit mark reaches Redis", Duration.ofSeconds(20),
                        () -> String.valueOf(reset).equals(jedis.get("e2b:route:route-1")));
            }
            assertThat(chat(gw)).isEqualTo(200);
            assertThat(gw.output()).doesNotContain("Exception in");
        }
    }

    @Test
    void sixty_four_chats_of_a_limited_key_are_served_unchecked_while_redis_hangs_and_at_most_one_call_a_window_waits_for_it() throws Exception {
        String key = "sk-limited-key-0123456789";
        Path keys = dir.resolve("keys.json");
        Files.writeString(keys, "{\"keys\": [{\"name\": \"ide\", \"key\": \"" + key + "\", \"rpm\": 100000}]}");
        try (RedisServer redis = RedisServer.start(dir); FakeFragments a = new FakeFragments(); FakeFragments b = new FakeFragments();
             GatewayProcess gw = GatewayProcess.start(Map.of("E2B_BASE_URL", a.baseUrl() + "," + b.baseUrl(),
                     "E2B_REDIS_URL", redis.url(0), "E2B_KEYS_FILE", keys.toString()))) {
            assertThat(chat(gw, key)).as("counted in Redis").isEqualTo(new Answer(200, "99999"));
            redis.pause();
            // The first chat after Redis froze may wait for its timeout (or the route marks' reader met it first).
            assertThat(chat(gw, key).code).isEqualTo(200);
            ExecutorService pool = Executors.newFixedThreadPool(CHATS);
            try {
                List<Future<Answer>> chats = new ArrayList<>();
                for (int i = 0; i < CHATS; i++) chats.add(pool.submit(() -> chat(gw, key)));
                for (Future<Answer> f : chats) assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(new Answer(200, null));
            } finally {
                pool.shutdownNow();
            }
            assertThat(redis.paused()).as("every chat finished while Redis was still frozen").isTrue();

            // Each unchecked chat logs why. Those that asked Redis say it did not answer within 2 s; those the
            // breaker failed at once say so too, and when it will be asked again. Without the breaker all 65 wait.
            List<String> unchecked = gw.output().lines().filter(l -> l.contains("per-key limits not applied to ide:")).toList();
            assertThat(unchecked).hasSize(CHATS + 1).allMatch(l -> l.contains("did not answer within 2 s"));
            List<String> waited = unchecked.stream()
                    .filter(l -> !l.contains("; not tried again for ") && !l.contains("; another call is trying it again."))
                    .toList();
            // One a window at most: the first chat, then one probe after each window (1 s, 2, 4, 8, 10, 10, ...), each
            // probe waiting 2 s, so within the 60 s the chats are given, 1 + 7. The route marks' reader takes some probes.
            assertThat(waited).as("chats that waited for Redis's timeout").hasSizeLessThanOrEqualTo(8);
            assertThat(gw.output()).contains("is unavailable (it did not answer within 2 s); calls to it fail at once");

            // Redis answers again: limits are checked again, without a gateway restart, once a window is over.
            redis.resume();
            Poll.until("a chat of the limited key is counted in Redis again", Duration.ofSeconds(30), () -> {
                Answer answer = chat(gw, key);
                assertThat(answer.code).isEqualTo(200);
                return answer.remaining != null;
            });
            assertThat(gw.output()).contains("answers again; calls to it go through").doesNotContain("Exception in");
        }
    }
    /** A chat of {@code key} held in flight until {@code gate} opens. */
    private CompletableFuture<Integer> heldChat(FakeFragments upstream, GatewayProcess gw, String key,
                                                                   CountDownLatch gate) {
        String body = Fragments.json("Replying.", "slow");
        upstream.enqueue(Script.pieces(body.substring(0, body.length() / 2), body.substring(body.length() / 2)).gateBefore(1, gate));
        CompletableFuture<Integer> chat = CompletableFuture.supplyAsync(() -> {
            try {
                return chat(gw, key).code;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        upstream.takeRequest(); // in flight, holding its slot
        return chat;
    }

    @Test
    void a_chat_that_ends_while_redis_hangs_ends_cleanly_and_its_key_gets_its_slot_back() throws Exception {
        String key = "sk-one-at-once-key-0123456789";
        Path keys = dir.resolve("keys.json");
        Files.writeString(keys, "{\"keys\": [{\"name\": \"ide\", \"key\": \"" + key + "\", \"concurrency\": 1}]}");
        try (RedisServer redis = RedisServer.start(dir); FakeFragments upstream = new FakeFragments();
             GatewayProcess gw = GatewayProcess.start(Map.of("E2B_BASE_URL", upstream.baseUrl(),
                     "E2B_REDIS_URL", redis.url(0), "E2B_KEYS_FILE", keys.toString()));
             Jedis jedis = new Jedis(new HostAndPort("127.0.0.1", redis.port()),
                     DefaultJedisClientConfig.builder().password(RedisServer.PASSWORD).build())) {
            CountDownLatch firstEnds = new CountDownLatch(1);
            CompletableFuture<Integer> first = heldChat(upstream, gw, key, firstEnds);
            assertThat(jedis.zcard("e2b:conc:ide")).as("its slot, a lease in Redis").isEqualTo(1);
            assertThat(chat(gw, key).code).as("a second chat at once").isEqualTo(429);
            upstream.assertNoRequest();

            redis.pause();
            firstEnds.countDown(); // the chat ends while Redis hangs: giving its slot back times out
            assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(200);
            assertThat(redis.paused()).isTrue();
            redis.resume();

            // Once Redis answers again (a chat of the key is the breaker's probe), the key has its one slot:
            // one chat in flight, and a second refused.
            Poll.until("Redis answers the gateway again", Duration.ofSeconds(30), () -> {
                assertThat(chat(gw, key).code).isEqualTo(200);
                upstream.takeRequest();
                return gw.output().contains("answers again; calls to it go through");
            });
            CountDownLatch thirdEnds = new CountDownLatch(1);
            CompletableFuture<Integer> third = heldChat(upstream, gw, key, thirdEnds);
            assertThat(chat(gw, key).code).as("the limit holds again").isEqualTo(429);
            thirdEnds.countDown();
            assertThat(third.get(30, TimeUnit.SECONDS)).isEqualTo(200);
            Poll.until("the slot is given back", Duration.ofSeconds(10), () -> jedis.zcard("e2b:conc:ide") == 0);
            assertThat(chat(gw, key).code).isEqualTo(200);
            assertThat(gw.output()).doesNotContain("Exception in", "unhandled failure");
        }
    }

    @Test
    void a_slot_taken_by_redis_after_the_take_timed_out_is_given_back() throws Exception {
        String key = "sk-one-at-once-key-0123456789";
        Path keys = dir.resolve("keys.json");
        Files.writeString(keys, "{\"keys\": [{\"name\": \"ide\", \"key\": \"" + key + "\", \"concurrency\": 1}]}");
        try (RedisServer redis = RedisServer.start(dir); FakeFragments upstream = new FakeFragments();
             GatewayProcess gw = GatewayProcess.start(Map.of("E2B_BASE_URL", upstream.baseUrl(),
                     "E2B_REDIS_URL", redis.url(0), "E2B_KEYS_FILE", keys.toString()));
             Jedis jedis = new Jedis(new HostAndPort("127.0.0.1", redis.port()),
                     DefaultJedisClientConfig.builder().password(RedisServer.PASSWORD).build())) {
            assertThat(chat(gw, key).code).isEqualTo(200);
            assertThat(jedis.zcard("e2b:conc:ide")).isZero();
            redis.pause();
            assertThat(chat(gw, key).code).as("a chat whose take timed out runs unchecked").isEqualTo(200);
            redis.resume();
            // Redis runs the take queued while it stalled: a lease of a chat that is over.
            Poll.until("the stalled take reaches Redis", Duration.ofSeconds(10), () -> jedis.zcard("e2b:conc:ide") == 1);

            // Every chat of the key is served (before: 429 "more than 1 chats at once" for five minutes).
            Poll.until("Redis answers the gateway again", Duration.ofSeconds(30), () -> {
                assertThat(chat(gw, key).code).isEqualTo(200);
                return gw.output().contains("answers again; calls to it go through");
            });
            assertThat(chat(gw, key)).as("checked in Redis, with its slot").isEqualTo(new Answer(200, null));
            assertThat(jedis.zcard("e2b:conc:ide")).isZero();
            assertThat(gw.output()).doesNotContain("Exception in", "unhandled failure");
        }
    }
}
