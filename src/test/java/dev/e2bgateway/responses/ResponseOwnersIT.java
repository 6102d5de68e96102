package dev.e2bgateway.responses;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.RedisServer;
import dev.e2bgateway.support.Script;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stored responses belong to the key that stored them, in memory and in a real Redis alike: with
 * two named keys (a keys file), key B gets for key A's response exactly what it gets for an id
 * that was never stored, on every endpoint and in every way a request can name a stored
 * response or item, and A's response is still there afterwards.
 */
class ResponseOwnersIT {

    private static final String KEY_A = "sk-team-a-0123456789";
    private static final String KEY_B = "sk-team-b-9876543210";
    private static final String NEVER = "resp_0123456789abcdef0123456789abcdef";
    private static final String NEVER_ITEM = "msg_0123456789abcdef0123456789abcdef";

    @TempDir
    static Path dir;
    private static RedisServer redis;

    /** A status and a body, to compare two answers whole. */
    record Answer(int status, String body) {
        JsonNode json() throws IOException {
            return Gateway.json(body);
        }
    }

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start(dir);
        Files.writeString(dir.resolve("keys.json"), "{\"keys\": [{\"name\": \"team-a\", \"key\": \"" + KEY_A + "\"},"
                + " {\"name\": \"team-b\", \"key\": \"" + KEY_B + "\"}]}");
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    private static Gateway start(FakeFragments upstream, String store) {
        Map<String, String> env = new HashMap<>(Map.of("E2B_KEYS_FILE", dir.resolve("keys.json").toString()));
        if (store.equals("redis")) env.put("E2B_REDIS_URL", redis.url(4));
        return Gateway.start(upstream, env);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"memory", "redis"})
    void another_key_gets_for_a_stored_response_exactly_what_it_gets_for_an_id_never_stored(String store) throws Exception {
        try (FakeFragments upstream = new FakeFragments(); Gateway gateway = start(upstream, store)) {
            upstream.enqueue(Script.reply("Hello Ada!"));
            Answer created = call(gateway, KEY_A, "POST", "/v1/responses", "{\"model\":\"gpt-4o\",\"input\":\"My name is Ada.\"}");
            assertThat(created.status()).as(created.body()).isEqualTo(200);
            upstream.takeRequest();
            String id = created.json().get("id").asText();
            String item = created.json().at("/output/0/id").asText();
            Answer asStored = call(gateway, KEY_A, "GET", "/v1/responses/" + id, null);
            Answer itemsAsStored = call(gateway, KEY_A, "GET", "/v1/responses/" + id + "/input_items", null);
            assertThat(asStored.status()).isEqualTo(200);
            assertThat(itemsAsStored.status()).isEqualTo(200);

            // B, on A's id, and on ids never stored: the same status, the same body (but for the id named).
            assertSameAsNeverStored(gateway, "GET", "/v1/responses/%s", null, id, NEVER, 404);
            assertSameAsNeverStored(gateway, "GET", "/v1/responses/%s/input_items", null, id, NEVER, 404);
            assertSameAsNeverStored(gateway, "POST", "/v1/responses",
                    "{\"model\":\"gpt-4o\",\"previous_response_id\":\"%s\",\"input\":\"Who am I?\"}", id, NEVER, 400);
            assertSameAsNeverStored(gateway, "POST", "/v1/responses/input_tokens",
                    "{\"model\":\"gpt-4o\",\"previous_response_id\":\"%s\",\"input\":\"Who am I?\"}", id, NEVER, 400);
            assertSameAsNeverStored(gateway, "POST", "/v1/responses", "{\"model\":\"gpt-4o\",\"store\":false,\"input\":["
                    + "{\"role\":\"user\",\"content\":\"x\"},{\"type\":\"item_reference\",\"id\":\"%s\"}]}", item, NEVER_ITEM, 400);
            assertSameAsNeverStored(gateway, "DELETE", "/v1/responses/%s", null, id, NEVER, 404);
            upstream.assertNoRequest();

            // A's response is untouched, and A goes on with it.
            assertThat(call(gateway, KEY_A, "GET", "/v1/responses/" + id, null)).isEqualTo(asStored);
            assertThat(call(gateway, KEY_A, "GET", "/v1/responses/" + id + "/input_items", null)).isEqualTo(itemsAsStored);
            upstream.enqueue(Script.reply("You are Ada."));
            Answer continued = call(gateway, KEY_A, "POST", "/v1/responses", "{\"model\":\"gpt-4o\",\"previous_response_id\":\"" + id
                    + "\",\"input\":\"Who am I?\"}");
            assertThat(continued.status()).as(continued.body()).isEqualTo(200);
            assertThat(upstream.takeRequest().body().get("messages")).hasSize(3);
            String second = continued.json().get("id").asText();
            upstream.enqueue(Script.reply("Ok."));
            Answer referred = call(gateway, KEY_A, "POST", "/v1/responses", "{\"model\":\"gpt-4o\",\"store\":false,\"input\":["
                    + "{\"role\":\"user\",\"content\":\"x\"},{\"type\":\"item_reference\",\"id\":\"" + item + "\"},"
                    + "{\"role\":\"user\",\"content\":\"y\"}]}");
            assertThat(referred.status()).as(referred.body()).isEqualTo(200);
            assertThat(upstream.takeRequest().body().at("/messages/1/content/0/text").asText()).isEqualTo("Hello Ada!");

            // What B stores is B's: A cannot see it either.
            upstream.enqueue(Script.reply("Hi B."));
            Answer bs = call(gateway, KEY_B, "POST", "/v1/responses", "{\"model\":\"gpt-4o\",\"input\":\"Hi.\"}");
            upstream.takeRequest();
            String bId = bs.json().get("id").asText();
            assertThat(call(gateway, KEY_A, "GET", "/v1/responses/" + bId, null).status()).isEqualTo(404);
            assertThat(call(gateway, KEY_B, "GET", "/v1/responses/" + bId, null).status()).isEqualTo(200);

            assertThat(call(gateway, KEY_A, "DELETE", "/v1/responses/" + second, null).status()).isEqualTo(200);
            assertThat(call(gateway, KEY_A, "DELETE", "/v1/responses/" + id, null).status()).isEqualTo(200);
            assertThat(call(gateway, KEY_A, "GET", "/v1/responses/" + id, null).status()).isEqualTo(404);
        }
    }

    /** B's answer for {@code format} with A's {@code id} equals its answer with an id never stored, once that id is swapped back. */
    private static void assertSameAsNeverStored(Gateway gateway, String method, String format, String body, String id, String never,
                                                int status) throws IOException {
        String path = body == null ? format.formatted(id) : format;
        String neverPath = body == null ? format.formatted(never) : format;
        Answer others = call(gateway, KEY_B, method, path, body == null ? null : body.formatted(id));
        Answer unknown = call(gateway, KEY_B, method, neverPath, body == null ? null : body.formatted(never));
        assertThat(others.status()).as(method + " " + path + ": " + others.body()).isEqualTo(status);
        assertThat(others).isEqualTo(new Answer(unknown.status(), unknown.body().replace(never, id)));
    }

    private static Answer call(Gateway gateway, String key, String method, String path, String body) throws IOException {
        Request request = new Request.Builder().url(gateway.baseUrl() + path).header("Authorization", "Bearer " + key)
                .method(method, body == null ? null : RequestBody.create(body, MediaType.get("application/json"))).build();
        try (Response r = gateway.http.newCall(request).execute()) {
            return new Answer(r.code(), r.body().string());
        }
    }
}
