package dev.e2bgateway.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.RunningGateway;
import dev.e2bgateway.support.Script;
import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static dev.e2bgateway.ollama.OllamaApiTest.WEATHER_CALL;
import static dev.e2bgateway.ollama.OllamaApiTest.WEATHER_TOOL;
import static dev.e2bgateway.ollama.OllamaApiTest.chat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Ollama door's NDJSON streams over raw HTTP: one JSON object per line, each line sent as the
 * upstream gives text (proven by order with the fake's gate), UTF-8 cut anywhere upstream,
 * calls, the last line, a failure mid-stream as an error line, a client that hangs up.
 */
class OllamaStreamingTest {

    static final String REPLY = "Hello! 你好，世界 😀\n\"Quoted\" and back\\slash, then more words to stream.";

    @RegisterExtension
    static final RunningGateway server = new RunningGateway(Map.of("E2B_OLLAMA", "on", "E2B_IDLE_TIMEOUT_MS", "1500"));

    static Response post(String path, String body) throws IOException {
        return server.gateway.post(path, body);
    }

    /** The lines of a finished NDJSON body: each must be one JSON object, and the body must end with a newline. */
    static List<JsonNode> lines(Response r) throws IOException {
        String body = r.body().string();
        assertThat(body).endsWith("\n");
        List<JsonNode> out = new ArrayList<>();
        for (String line : body.substring(0, body.length() - 1).split("\n", -1)) {
            JsonNode node = Gateway.json(line);
            assertThat(node.isObject()).as("one JSON object per line: %s", line).isTrue();
            out.add(node);
        }
        return out;
    }

    @Test
    void a_stream_is_one_json_object_per_line_then_the_done_line() throws IOException {
        server.upstream.enqueue(Script.ok(Fragments.jsonAsciiEscaped("Hi.", REPLY)).splitEvery(7));
        try (Response r = post("/api/chat", chat("gpt-4o", "Hi", null))) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("application/x-ndjson");
            assertThat(r.header("Content-Encoding")).isNull();
            List<JsonNode> lines = lines(r);
            assertThat(lines.size()).as("streamed in several lines").isGreaterThan(5);
            StringBuilder text = new StringBuilder();
            for (JsonNode line : lines.subList(0, lines.size() - 1)) {
                assertThat(line.get("done").asBoolean()).isFalse();
                assertThat(line.get("model").asText()).isEqualTo("gpt-4o");
                assertThat(line.at("/message/role").asText()).isEqualTo("assistant");
                text.append(line.at("/message/content").asText());
            }
            assertThat(text.toString()).isEqualTo(REPLY);
            JsonNode last = lines.get(lines.size() - 1);
            assertThat(last.get("done").asBoolean()).isTrue();
            assertThat(last.get("done_reason").asText()).isEqualTo("stop");
            assertThat(last.at("/message/content").asText()).isEmpty();
            assertThat(last.get("eval_count").asInt()).isPositive();
            assertThat(last.get("prompt_eval_count").asInt()).isPositive();
            assertThat(last.get("total_duration").asLong()).isEqualTo(last.get("prompt_eval_duration").asLong() + last.get("eval_duration").asLong());
        }
    }

    @Test
    void utf8_cut_inside_characters_upstream_arrives_whole() throws IOException {
        byte[] body = Fragments.json("c", REPLY).getBytes(StandardCharsets.UTF_8);
        List<byte[]> pieces = new ArrayList<>();
        for (int i = 0; i < body.length; i += 3) pieces.add(java.util.Arrays.copyOfRange(body, i, Math.min(body.length, i + 3)));
        server.upstream.enqueue(Script.bytes(pieces));
        try (Response r = post("/api/generate", "{\"model\":\"gpt-4o\",\"prompt\":\"Hi\"}")) {
            List<JsonNode> lines = lines(r);
            StringBuilder text = new StringBuilder();
            for (JsonNode line : lines) {
                assertThat(line.get("response").asText()).doesNotContain("\uFFFD");
                text.append(line.get("response").asText());
            }
            assertThat(text.toString()).isEqualTo(REPLY);
            assertThat(lines.get(lines.size() - 1).get("done").asBoolean()).isTrue();
        }
    }

    @Test
    void each_line_reaches_the_client_while_the_upstream_is_still_writing() throws Exception {
        CountDownLatch clientSawText = new CountDownLatch(1);
        String body = Fragments.json("Thinking.", "First part. Second part.");
        int split = body.indexOf("Second");
        Script script = Script.pieces(body.substring(0, split), body.substring(split)).gateBefore(1, clientSawText);
        server.upstream.enqueue(script);
        try (Response r = post("/api/chat", chat("gpt-4o", "Hi", "\"stream\":true"))) {
            BufferedSource source = r.body().source();
            assertThat(Gateway.json(source.readUtf8LineStrict()).at("/message/content").asText()).isEqualTo("First part. ");
            clientSawText.countDown(); // only now does the upstream send the rest
            assertThat(Gateway.json(source.readUtf8LineStrict()).at("/message/content").asText()).isEqualTo("Second part.");
            assertThat(Gateway.json(source.readUtf8LineStrict()).get("done").asBoolean()).isTrue();
            assertThat(source.exhausted()).isTrue();
        }
        assertThat(script.openedByGate()).as("the rest was sent because the client saw the first line, not after the gate's time limit").isTrue();
    }

    @Test
    void a_call_is_a_line_of_its_own_with_its_arguments_as_an_object() throws IOException {
        server.upstream.enqueue(Script.reply(WEATHER_CALL).splitEvery(5));
        try (Response r = post("/api/chat", chat("gpt-4o", "Weather?", "\"tools\":[" + WEATHER_TOOL + "]"))) {
            List<JsonNode> lines = lines(r);
            List<JsonNode> calls = lines.stream().filter(l -> l.at("/message/tool_calls").isArray()).toList();
            assertThat(calls).hasSize(1);
            JsonNode function = calls.get(0).at("/message/tool_calls/0/function");
            assertThat(function.get("name").asText()).isEqualTo("get_weather");
            assertThat(function.get("arguments").toString()).isEqualTo("{\"city\":\"Paris\",\"days\":3}");
            assertThat(calls.get(0).at("/message/content").asText()).isEmpty();
            assertThat(lines.get(lines.size() - 1).get("done_reason").asText()).isEqualTo("stop");
        }
    }

    @Test
    void an_upstream_failure_mid_stream_ends_the_stream_with_an_error_line() throws IOException {
        String body = Fragments.json("c", "This reply loses its connection");
        server.upstream.enqueue(Script.ok(body.substring(0, body.length() - 10)).splitEvery(20).thenCutConnection());
        try (Response r = post("/api/chat", chat("gpt-4o", "Hi", null))) {
            List<JsonNode> lines = lines(r);
            assertThat(lines.get(0).has("message")).as("text came first").isTrue();
            JsonNode last = lines.get(lines.size() - 1);
            assertThat(last.size()).isEqualTo(1);
            assertThat(last.get("error").asText()).isNotBlank();
            assertThat(lines).noneMatch(l -> l.path("done").asBoolean());
        }
    }

    @Test
    void silence_past_the_idle_timeout_mid_stream_ends_with_an_error_line() throws IOException {
        String body = Fragments.json("c", "This reply stalls");
        server.upstream.enqueue(Script.ok(body.substring(0, body.length() - 5)).thenHang(30_000));
        try (Response r = post("/api/generate", "{\"model\":\"gpt-4o\",\"prompt\":\"Hi\"}")) {
            List<JsonNode> lines = lines(r);
            assertThat(lines.get(lines.size() - 1).get("error").asText()).contains("E2B_IDLE_TIMEOUT_MS");
        }
    }

    @Test
    void a_client_that_hangs_up_mid_stream_cancels_the_upstream() throws Exception {
        server.upstream.resetAborts();
        server.upstream.enqueue(Script.ok(Fragments.json("c", "word ".repeat(400))).splitEvery(10).pause(50));
        Call call = server.gateway.http.newCall(server.gateway.request("/api/chat")
                .post(RequestBody.create(chat("gpt-4o", "Hi", null), MediaType.get("application/json"))).build());
        try (Response r = call.execute()) {
            r.body().source().readUtf8LineStrict();
            call.cancel();
        }
        assertThat(server.upstream.awaitAbort(1000)).as("upstream cancelled within a second").isTrue();
    }
}
