package dev.e2bgateway.guard;

import dev.e2bgateway.config.Config;
import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.GatewayProcess;
import dev.e2bgateway.support.Poll;
import dev.e2bgateway.support.Script;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/** A keys file's per-key limits in the gateway process, whose log names each key and never shows it. */
class KeyLimitsIT {

    @Test
    void each_key_of_a_keys_file_has_its_own_limits_and_is_named_never_shown(@TempDir Path dir) throws Exception {
        String hashed = "sk-hashed-key-for-the-ci-0123456789";
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(hashed.getBytes(StandardCharsets.UTF_8)));
        Path file = dir.resolve("keys.json");
        Files.writeString(file, "{\"keys\": [{\"name\": \"ide\", \"key\": \"sk-ide-key-0123456789\", \"rpd\": 1},"
                + "{\"name\": \"ci\", \"sha256\": \"" + digest + "\", \"concurrency\": 1}]}");
        try (FakeFragments upstream = new FakeFragments();
             GatewayProcess gateway = GatewayProcess.start(Map.of("E2B_BASE_URL", upstream.baseUrl(), "E2B_KEYS_FILE", file.toString()))) {
            OkHttpClient client = new OkHttpClient();
            java.util.function.BiFunction<String, String, Integer> post = (key, body) -> {
                try (Response r = client.newCall(new Request.Builder().url(gateway.baseUrl() + "/v1/chat/completions")
                        .header("Authorization", "Bearer " + key).post(RequestBody.create(body, MediaType.get("application/json")))
                        .build()).execute()) {
                    r.body().string();
                    return r.code();
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            };
            assertThat(post.apply("sk-ide-key-0123456789", KeyLimitsTest.openai())).isEqualTo(200);
            assertThat(post.apply("sk-ide-key-0123456789", KeyLimitsTest.openai())).as("one chat a day").isEqualTo(429);
            assertThat(post.apply(Config.WELL_KNOWN_KEY, KeyLimitsTest.openai())).as("no default key beside a keys file").isEqualTo(401);

            // ci: one chat at once. A slow chat holds its slot; a second is refused meanwhile, a third after it is not.
            // The slow chat's reply is held back half way until the second one has been refused.
            CountDownLatch refused = new CountDownLatch(1);
            String body = Fragments.json("Replying.", "slow");
            Script slowReply = Script.pieces(body.substring(0, body.length() / 2), body.substring(body.length() / 2)).gateBefore(1, refused);
            upstream.enqueue(slowReply);
            CompletableFuture<Integer> slow = CompletableFuture.supplyAsync(() -> post.apply(hashed, KeyLimitsTest.openai()));
            upstream.takeRequest(); // the ide chat
            upstream.takeRequest(); // the slow one is in flight
            assertThat(post.apply(hashed, KeyLimitsTest.openai())).as("a second chat at once").isEqualTo(429);
            refused.countDown();
            assertThat(slow.join()).isEqualTo(200);
            assertThat(slowReply.openedByGate()).as("the first chat was still in flight when the second was refused").isTrue();
            assertThat(post.apply(hashed, KeyLimitsTest.openai())).as("the slot is free again").isEqualTo(200);

            Poll.until("the access lines are written", Duration.ofSeconds(10), () -> gateway.output().contains("key=ci"));
            String log = gateway.output();
            assertThat(log).contains("key=ide", "key=ci").doesNotContain("sk-ide-key-0123456789", hashed);
        }
    }
}
