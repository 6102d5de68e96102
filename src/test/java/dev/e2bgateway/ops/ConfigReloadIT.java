package dev.e2bgateway.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.GatewayProcess;
import dev.e2bgateway.support.Poll;
import dev.e2bgateway.support.Script;
import dev.e2bgateway.support.SseReader;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The keys, models and upstreams files re-read without a restart: on SIGHUP (the gateway as its
 * own process, as systemctl reload signals it) and when a file changes on disk (in process).
 */
class ConfigReloadIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALICE = "sk-alice-0123456789abcdef";
    private static final String BOB = "sk-bob-0123456789abcdef";
    private static final OkHttpClient HTTP = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();

    private static Request.Builder request(String baseUrl, String path, String key) {
        return new Request.Builder().url(baseUrl + path).header("Authorization", "Bearer " + key);
    }

    private static Response post(String baseUrl, String key, String body) throws IOException {
        return HTTP.newCall(request(baseUrl, "/v1/chat/completions", key).post(RequestBody.create(body, MediaType.get("application/json")))
                .build()).execute();
    }

    private static int chat(String baseUrl, String key) throws IOException {
        try (Response r = post(baseUrl, key, Gateway.chat("gpt-4o", "Hi", null))) {
            r.body().string();
            return r.code();
        }
    }

    private static JsonNode get(String baseUrl, String path) throws IOException {
        try (Response r = HTTP.newCall(request(baseUrl, path, Gateway.KEY).build()).execute()) {
            assertThat(r.code()).as(path).isEqualTo(200);
            return JSON.readTree(r.body().string());
        }
    }

    private static double reloads(String baseUrl, String file, String outcome) throws IOException {
        String series = "gateway_config_reloads_total{file=\"" + file + "\",outcome=\"" + outcome + "\"}";
        try (Response r = HTTP.newCall(request(baseUrl, "/metrics", Gateway.KEY).build()).execute()) {
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(r.body().string());
            // No series yet is none counted: the first reload makes it, and a poll may look before that.
            return m.find() ? Double.parseDouble(m.group(1)) : 0;
        }
    }

    private static String sha256Prefix(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))).substring(0, 12);
    }

    private static String keys(String... entries) {
        return "{\"keys\": [" + String.join(",", entries) + "]}";
    }

    private static String key(String name, String key, String limits) {
        return "{\"name\": \"" + name + "\", \"key\": \"" + key + "\"" + (limits.isEmpty() ? "" : ", " + limits) + "}";
    }

    private static String models(String routedTo, int gpt4oMaxTokens) {
        return "{\"models\": [{\"id\": \"house\", \"routeTo\": \"" + routedTo + "\"},"
                + " {\"id\": \"gpt-4o\", \"rules\": {\"maxTokens\": " + gpt4oMaxTokens + "}}]}";
    }

    /** Writes as editors save: a new file renamed over the old one. */
    private static void replace(Path file, String content) throws IOException {
        Path next = file.resolveSibling(file.getFileName() + ".new");
        Files.writeString(next, content);
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void sighup_adds_a_key_and_new_model_rules_while_a_stream_in_flight_finishes_with_its_old_settings(@TempDir Path dir)
            throws Exception {
        Path keysFile = dir.resolve("keys.json");
        Path modelsFile = dir.resolve("models.json");
        Files.writeString(keysFile, keys(key("alice", ALICE, "\"rpd\": 5")));
        Files.writeString(modelsFile, models("gpt-4o", 1000));
        try (FakeFragments upstream = new FakeFragments();
             GatewayProcess gw = GatewayProcess.start(Map.of("E2B_BASE_URL", upstream.baseUrl(), "E2B_KEYS_FILE", keysFile.toString(),
                     "E2B_MODELS_FILE", modelsFile.toString(), "E2B_CONFIG_WATCH", "off"))) {
            String base = gw.baseUrl();
            assertThat(chat(base, BOB)).as("bob before the reload").isEqualTo(401);

            // A stream on the old settings, held half-way by the upstream until the reload has happened.
            CountDownLatch reloaded = new CountDownLatch(1);
            String reply = Fragments.json("c", "the first half of the reply, and then the second half of it.");
            int split = reply.indexOf("and then");
            upstream.enqueue(Script.pieces(reply.substring(0, split), reply.substring(split)).gateBefore(1, reloaded));
            try (Response stream = post(base, ALICE, Gateway.chat("house", "Hi", "\"stream\":true"))) {
                assertThat(stream.code()).isEqualTo(200);
                SseReader sse = new SseReader(stream);
                String first = sse.next();
                assertThat(JSON.readTree(first).get("model").asText()).isEqualTo("gpt-4o");
                JsonNode sentBefore = upstream.takeRequest().body();
                assertThat(sentBefore.at("/model/id").asText()).isEqualTo("gpt-4o");
                assertThat(sentBefore.at("/config/maxTokens").asInt()).isEqualTo(1000);

                Files.writeString(keysFile, keys(key("alice", ALICE, "\"rpd\": 5"), key("bob", BOB, "")));
                Files.writeString(modelsFile, models("o3-mini", 2000));
                gw.hangUp();
                Poll.until("keys and models reloaded", Duration.ofSeconds(10),
                        () -> reloads(base, "keys", "ok") == 1 && reloads(base, "models", "ok") == 1);

                upstream.fallback(Script.reply("print('fine')"));
                assertThat(chat(base, BOB)).as("bob after SIGHUP, no restart").isEqualTo(200);
                assertThat(upstream.takeRequest().body().at("/config/maxTokens").asInt()).as("gpt-4o's new rule").isEqualTo(2000);
                try (Response r = post(base, BOB, Gateway.chat("house", "Hi", null))) {
                    assertThat(JSON.readTree(r.body().string()).get("model").asText()).isEqualTo("o3-mini");
                }
                assertThat(upstream.takeRequest().body().at("/model/id").asText()).as("house is routed anew").isEqualTo("o3-mini");

                reloaded.countDown();
                List<String> rest = sse.rest();
                assertThat(rest).last().isEqualTo("[DONE]");
                assertThat(rest).noneMatch(e -> e.contains("\"error\""));
                assertThat(rest.subList(0, rest.size() - 1)).allMatch(e -> e.contains("\"model\":\"gpt-4o\""));
                assertThat(String.join("", rest)).contains("second half");
            }
            // alice's name is unchanged: her daily count went on across the reload (the stream, then this chat).
            try (Response r = post(base, ALICE, Gateway.chat("gpt-4o", "Hi", null))) {
                assertThat(r.code()).isEqualTo(200);
                assertThat(r.header("x-ratelimit-remaining-requests")).isEqualTo("3");
            }
            assertThat(gw.process.isAlive()).as("SIGHUP no longer ends the gateway").isTrue();
        }
    }

    @Test
    void a_broken_file_is_refused_naming_file_entry_and_field_the_old_settings_stay_and_an_unchanged_one_is_counted(@TempDir Path dir)
            throws Exception {
        Path keysFile = dir.resolve("keys.json");
        Files.writeString(keysFile, keys(key("alice", ALICE, "")));
        try (FakeFragments upstream = new FakeFragments();
             GatewayProcess gw = GatewayProcess.start(Map.of("E2B_BASE_URL", upstream.baseUrl(), "E2B_KEYS_FILE", keysFile.toString(),
                     "E2B_CONFIG_WATCH", "off"))) {
            String base = gw.baseUrl();
            String firstHash = sha256Prefix(keysFile);
            JsonNode health = get(base, "/health");
            assertThat(health.at("/config/keys/sha256").asText()).isEqualTo(firstHash);
            assertThat(health.toString()).doesNotContain("alice", keysFile.toString());
            String firstLoad = health.at("/config/keys/loaded_at").asText();

            gw.hangUp();
            Poll.until("an unchanged file counted as unchanged", Duration.ofSeconds(10), () -> reloads(base, "keys", "unchanged") == 1);
            assertThat(reloads(base, "keys", "ok")).isZero();
            assertThat(get(base, "/health").at("/config/keys/loaded_at").asText()).isEqualTo(firstLoad);

            Files.writeString(keysFile, keys(key("alice", ALICE, ""), key("bob", BOB, "\"rpm\": \"lots\"")));
            gw.hangUp();
            Poll.until("the broken file refused", Duration.ofSeconds(10), () -> reloads(base, "keys", "refused") == 1);
            String refusal = gw.output().lines().filter(l -> l.contains("refused")).findFirst().orElseThrow();
            assertThat(refusal).contains("E2B_KEYS_FILE " + keysFile, "keys[1] (bob)", "field 'rpm'", "still in use")
                    .doesNotContain(BOB, ALICE);
            assertThat(chat(base, ALICE)).as("the old keys keep working").isEqualTo(200);
            assertThat(chat(base, BOB)).isEqualTo(401);
            assertThat(get(base, "/health").at("/config/keys/sha256").asText()).isEqualTo(firstHash);
            JsonNode config = get(base, "/v1/gateway/config").get("files").get(0);
            assertThat(config.get("file").asText()).isEqualTo("keys");
            assertThat(config.at("/last_reload/outcome").asText()).isEqualTo("refused");
            assertThat(config.get("sha256").asText()).isEqualTo(firstHash);

            Files.writeString(keysFile, keys(key("alice", ALICE, ""), key("bob", BOB, "\"rpm\": 10")));
            gw.hangUp();
            Poll.until("the fixed file loaded", Duration.ofSeconds(10), () -> reloads(base, "keys", "ok") == 1);
            assertThat(chat(base, BOB)).isEqualTo(200);
            health = get(base, "/health");
            assertThat(health.at("/config/keys/sha256").asText()).isEqualTo(sha256Prefix(keysFile)).isNotEqualTo(firstHash);
            assertThat(Instant.parse(health.at("/config/keys/loaded_at").asText())).isAfter(Instant.parse(firstLoad));
            assertThat(get(base, "/v1/gateway/config").at("/files/0/last_reload/outcome").asText()).isEqualTo("ok");
        }
    }

    @Test
    void a_file_replaced_on_disk_is_picked_up_without_a_signal_and_a_broken_one_is_refused(@TempDir Path dir) throws Exception {
        Path keysFile = dir.resolve("keys.json");
        Files.writeString(keysFile, keys(key("alice", ALICE, "")));
        try (FakeFragments upstream = new FakeFragments();
             Gateway gateway = Gateway.start(upstream, Map.of("E2B_KEYS_FILE", keysFile.toString(), "E2B_CONFIG_WATCH_MS", "50"))) {
            String base = gateway.baseUrl();
            assertThat(chat(base, BOB)).isEqualTo(401);
            replace(keysFile, keys(key("alice", ALICE, ""), key("bob", BOB, "")));
            Poll.until("bob's key taken from the edited file", Duration.ofSeconds(10), () -> chat(base, BOB) == 200);
            assertThat(reloads(base, "keys", "ok")).isEqualTo(1);

            replace(keysFile, "{\"keys\": [{\"name\": \"carol\"}]}");
            Poll.until("the broken edit refused", Duration.ofSeconds(10), () -> reloads(base, "keys", "refused") == 1);
            assertThat(chat(base, BOB)).as("the keys in use stay").isEqualTo(200);
            assertThat(chat(base, ALICE)).isEqualTo(200);
        }
    }

    @Test
    void a_kubernetes_style_symlink_swap_is_picked_up(@TempDir Path dir) throws Exception {
        // What a ConfigMap volume looks like: keys.json -> ..data/keys.json, ..data -> a timestamped directory,
        // and an update writes a new directory and renames a new ..data link over the old one.
        Path v1 = Files.createDirectory(dir.resolve("..v1"));
        Files.writeString(v1.resolve("keys.json"), keys(key("alice", ALICE, "")));
        Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
        Path keysFile = Files.createSymbolicLink(dir.resolve("keys.json"), Path.of("..data", "keys.json"));
        try (FakeFragments upstream = new FakeFragments();
             Gateway gateway = Gateway.start(upstream, Map.of("E2B_KEYS_FILE", keysFile.toString(), "E2B_CONFIG_WATCH_MS", "50"))) {
            String base = gateway.baseUrl();
            assertThat(chat(base, BOB)).isEqualTo(401);
            Path v2 = Files.createDirectory(dir.resolve("..v2"));
            Files.writeString(v2.resolve("keys.json"), keys(key("bob", BOB, "")));
            Path link = Files.createSymbolicLink(dir.resolve("..data_tmp"), v2.getFileName());
            Files.move(link, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Poll.until("the swapped ConfigMap's key", Duration.ofSeconds(10), () -> chat(base, BOB) == 200);
            assertThat(chat(base, ALICE)).as("gone with the old version").isEqualTo(401);
        }
    }

    @Test
    void a_stream_in_flight_on_a_route_that_a_reload_removes_finishes_and_new_chats_take_the_new_routes(@TempDir Path dir)
            throws Exception {
        try (FakeFragments a = new FakeFragments(); FakeFragments b = new FakeFragments()) {
            Path file = dir.resolve("upstreams.json");
            Files.writeString(file, "{\"upstreams\": [{\"name\": \"a\", \"baseUrl\": \"" + a.baseUrl() + "\"}]}");
            try (Gateway gateway = Gateway.start(a, Map.of("E2B_UPSTREAMS_FILE", file.toString(), "E2B_CONFIG_WATCH_MS", "50"))) {
                String base = gateway.baseUrl();
                CountDownLatch reloaded = new CountDownLatch(1);
                String reply = Fragments.json("c", "one route's reply, begun before the reload and ended after it.");
                int split = reply.indexOf("ended");
                a.enqueue(Script.pieces(reply.substring(0, split), reply.substring(split)).gateBefore(1, reloaded));
                try (Response stream = post(base, Gateway.KEY, Gateway.chat("gpt-4o", "Hi", "\"stream\":true"))) {
                    SseReader sse = new SseReader(stream);
                    sse.next();
                    replace(file, "{\"upstreams\": [{\"name\": \"b\", \"baseUrl\": \"" + b.baseUrl() + "\"}]}");
                    Poll.until("route a replaced by b", Duration.ofSeconds(10),
                            () -> get(base, "/v1/gateway/upstreams").get("data").get(0).get("name").asText().equals("b"));
                    assertThat(chat(base, Gateway.KEY)).isEqualTo(200);
                    b.takeRequest();
                    reloaded.countDown();
                    List<String> rest = sse.rest();
                    assertThat(rest).last().isEqualTo("[DONE]");
                    assertThat(rest).noneMatch(e -> e.contains("\"error\""));
                    assertThat(String.join("", rest)).contains("after it.");
                }
                a.takeRequest();
                a.assertNoRequest();
            }
        }
    }

    @Test
    void reloaded_upstreams_keep_the_state_of_routes_whose_name_and_url_are_unchanged(@TempDir Path dir) throws Exception {
        try (FakeFragments a = new FakeFragments(); FakeFragments b = new FakeFragments()) {
            Path file = dir.resolve("upstreams.json");
            Files.writeString(file, "{\"upstreams\": [{\"name\": \"a\", \"baseUrl\": \"" + a.baseUrl() + "\"},"
                    + " {\"name\": \"b\", \"baseUrl\": \"" + b.baseUrl() + "\"}]}");
            try (Gateway gateway = Gateway.start(a, Map.of("E2B_UPSTREAMS_FILE", file.toString(), "E2B_CONFIG_WATCH_MS", "50"))) {
                String base = gateway.baseUrl();
                long reset = System.currentTimeMillis() + 3_600_000;
                a.enqueue(Script.status(429, "You have reached your request limit for the day.")
                        .header("X-RateLimit-Reset", String.valueOf(reset)));
                assertThat(chat(base, Gateway.KEY)).isEqualTo(200); // a at its limit, the request moved on to b
                JsonNode before = get(base, "/v1/gateway/upstreams").get("data");
                assertThat(before.get(0).get("reason").asText()).isEqualTo("daily_limit");

                // a unchanged; b renamed to c (a new route, however familiar its URL); a weight changed does not matter.
                replace(file, "{\"upstreams\": [{\"name\": \"a\", \"baseUrl\": \"" + a.baseUrl() + "\", \"weight\": 2},"
                        + " {\"name\": \"c\", \"baseUrl\": \"" + b.baseUrl() + "\"}]}");
                Poll.until("the new routes", Duration.ofSeconds(10),
                        () -> get(base, "/v1/gateway/upstreams").get("data").get(1).get("name").asText().equals("c"));
                JsonNode after = get(base, "/v1/gateway/upstreams").get("data");
                assertThat(after.get(0).get("name").asText()).isEqualTo("a");
                assertThat(after.get(0).get("weight").asInt()).isEqualTo(2);
                assertThat(after.get(0).get("reason").asText()).as("a still sits out its daily limit").isEqualTo("daily_limit");
                assertThat(after.get(0).get("sittingOutUntil").asLong()).isEqualTo(reset);
                assertThat(after.get(1).get("available").asBoolean()).isTrue();
                for (int i = 0; i < 3; i++) assertThat(chat(base, Gateway.KEY)).isEqualTo(200);
                try (Response r = HTTP.newCall(request(base, "/metrics", Gateway.KEY).build()).execute()) {
                    String metrics = r.body().string();
                    assertThat(metrics).contains("gateway_upstream_route_available{route=\"a\"} 0.0",
                            "gateway_upstream_route_available{route=\"c\"} 1.0").doesNotContain("route_available{route=\"b\"}");
                }
            }
        }
    }
}
