package dev.e2bgateway.ops;

import dev.e2bgateway.support.FakeFragments;
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

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Redis that hangs (a real redis-server frozen with SIGSTOP) under a gateway process with two
 * routes: it costs no chat a wait. Route marks are read into a snapshot and written by a thread
 * of their own; nothing on a chat's way waits for Redis.
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
        try (Response r = client.newCall(new Request.Builder().url(gw.baseUrl() + "/v1/chat/completions")
                .header("Authorization", "Bearer " + Gateway.KEY)
                .post(RequestBody.create(Gateway.chat("gpt-4o", "Hi", null), MediaType.get("application/json"))).build()).execute()) {
            r.body().string();
            return r.code();
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
}
