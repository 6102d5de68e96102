package dev.e2bgateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.RunningGateway;
import dev.e2bgateway.support.Script;
import dev.e2bgateway.support.SseReader;
import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/** Streaming over real HTTP: the chunk sequence, live delivery, limits, failures, cancellation. */
class StreamingTest {

    static final String REPLY = "Hello! 你好，世界 😀\n\"Quoted\" and back\\slash, then more words to stream.";

    @RegisterExtension
    static final RunningGateway server = new RunningGateway(Map.of("E2B_IDLE_TIMEOUT_MS", "1500"));

    private static Response stream(String model, String extra) throws IOException {
        return server.gateway.post("/v1/chat/completions",
                Gateway.chat(model, "Hi", "\"stream\":true" + (extra == null ? "" : "," + extra)));
    }

    @Test
    void the_chunk_sequence_is_exactly_what_openai_clients_expect() throws IOException {
        server.upstream.enqueue(Script.ok(Fragments.jsonAsciiEscaped("Hi.", REPLY)).splitEvery(7));
        try (Response r = server.gateway.http.newCall(server.gateway.request("/v1/chat/completions")
                .header("Accept", "application/json").header("Accept-Encoding", "gzip")
                .post(RequestBody.create(Gateway.chat("gpt-4o", "Hi", "\"stream\":true"), MediaType.get("application/json")))
                .build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("text/event-stream");
            assertThat(r.header("Cache-Control")).isEqualTo("no-cache");
            assertThat(r.header("X-Accel-Buffering")).isEqualTo("no");
            assertThat(r.header("Content-Encoding")).isNull();
            List<String> events = Gateway.events(r.body().string());

            assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
            List<JsonNode> chunks = new ArrayList<>();
            for (String e : events.subList(0, events.size() - 1)) chunks.add(Gateway.json(e));
            Set<String> ids = new HashSet<>();
            Set<Long> created = new HashSet<>();
            for (JsonNode c : chunks) {
                ids.add(c.get("id").asText());
                created.add(c.get("created").asLong());
                assertThat(c.get("object").asText()).isEqualTo("chat.completion.chunk");
                assertThat(c.get("model").asText()).isEqualTo("gpt-4o");
                assertThat(c.has("error")).isFalse();
                assertThat(c.has("usage")).as("no usage key unless asked").isFalse();
            }
            assertThat(ids).hasSize(1);
            assertThat(ids.iterator().next()).startsWith("chatcmpl-");
            assertThat(created).hasSize(1);

            JsonNode first = chunks.get(0).at("/choices/0");
            assertThat(first.get("delta").toString()).isEqualTo("{\"role\":\"assistant\",\"content\":\"\"}");
            assertThat(first.get("finish_reason").isNull()).isTrue();

            StringBuilder content = new StringBuilder();
            for (JsonNode c : chunks.subList(1, chunks.size() - 1)) {
                JsonNode choice = c.at("/choices/0");
                assertThat(choice.has("finish_reason")).isTrue();
                assertThat(choice.get("finish_reason").isNull()).isTrue();
                assertThat(choice.get("delta").has("role")).isFalse();
                content.append(choice.at("/delta/content").asText());
            }
            assertThat(content.toString()).isEqualTo(REPLY);
            assertThat(chunks.size()).as("streamed in several chunks").isGreaterThan(5);

            JsonNode last = chunks.get(chunks.size() - 1).at("/choices/0");
            assertThat(last.get("delta").toString()).isEqualTo("{}");
            assertThat(last.get("finish_reason").asText()).isEqualTo("stop");
        }
    }

    @Test
    void include_usage_adds_a_usage_chunk_before_done_and_null_usage_before_it() throws IOException {
        server.upstream.enqueue(Script.ok(Fragments.json("Hi.", REPLY)).splitEvery(11));
        try (Response r = stream("gpt-4o", "\"stream_options\":{\"include_usage\":true}")) {
            List<String> events = Gateway.events(r.body().string());
            assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
            JsonNode usageChunk = Gateway.json(events.get(events.size() - 2));
            assertThat(usageChunk.get("choices")).isEmpty();
            JsonNode usage = usageChunk.get("usage");
            int completion = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE).countTokensOrdinary(REPLY);
            assertThat(usage.get("completion_tokens").asInt()).isEqualTo(completion);
            assertThat(usage.get("prompt_tokens").asInt()).isPositive();
            assertThat(usage.get("total_tokens").asInt()).isEqualTo(completion + usage.get("prompt_tokens").asInt());
            for (String e : events.subList(0, events.size() - 2)) {
                JsonNode c = Gateway.json(e);
                assertThat(c.has("usage")).isTrue();
                assertThat(c.get("usage").isNull()).isTrue();
            }
        }
    }

    @Test
    void text_reaches_the_client_while_the_upstream_is_still_writing() throws Exception {
        CountDownLatch clientSawText = new CountDownLatch(1);
        String body = Fragments.json("Thinking.", "First part. Second part.");
        int split = body.indexOf("Second");
        Script script = Script.pieces(body.substring(0, split), body.substring(split)).gateBefore(1, clientSawText);
        server.upstream.enqueue(script);
        try (Response r = stream("gpt-4o", null)) {
            SseReader sse = new SseReader(r);
            assertThat(Gateway.json(sse.next()).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
            assertThat(Gateway.json(sse.next()).at("/choices/0/delta/content").asText()).isEqualTo("First part. ");
            clientSawText.countDown(); // only now does the upstream send the rest
            assertThat(Gateway.json(sse.next()).at("/choices/0/delta/content").asText()).isEqualTo("Second part.");
        }
        assertThat(script.openedByGate()).as("the rest was sent because the client saw the first text, not after the gate's time limit").isTrue();
    }

    @Test
    void max_tokens_ends_the_reply_with_length_and_cancels_the_upstream() throws Exception {
        server.upstream.resetAborts();
        String longReply = "one two three four five six seven eight nine ten ".repeat(50);
        server.upstream.enqueue(Script.ok(Fragments.json("c", longReply)).splitEvery(16).pause(5));
        try (Response r = stream("gpt-4o", "\"max_tokens\":5")) {
            List<String> events = Gateway.events(r.body().string());
            assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
            JsonNode last = Gateway.json(events.get(events.size() - 2));
            assertThat(last.at("/choices/0/finish_reason").asText()).isEqualTo("length");
            String content = contentOf(events);
            assertThat(longReply).startsWith(content);
            assertThat(Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE).countTokensOrdinary(content)).isEqualTo(5);
        }
        assertThat(server.upstream.awaitAbort(2000)).as("the upstream call was cancelled").isTrue();
    }

    @Test
    void a_stop_sequence_split_across_chunks_ends_the_reply_before_it() throws Exception {
        server.upstream.resetAborts();
        String reply = "Count: 1, 2, 3, STOP-HERE, 4, 5, 6 " + "and much more text ".repeat(40);
        server.upstream.enqueue(Script.ok(Fragments.json("c", reply)).splitEvery(3).pause(2));
        try (Response r = stream("gpt-4o", "\"stop\":[\"nope\",\"STOP-HERE\"]")) {
            List<String> events = Gateway.events(r.body().string());
            assertThat(contentOf(events)).isEqualTo("Count: 1, 2, 3, ");
            assertThat(Gateway.json(events.get(events.size() - 2)).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        }
        assertThat(server.upstream.awaitAbort(2000)).as("the upstream call was cancelled").isTrue();
    }

    @Test
    void a_reply_cut_off_mid_object_ends_with_an_error_event_not_a_clean_stop() throws IOException {
        String body = Fragments.json("c", "This reply will be cut off in the middle of a sentence");
        server.upstream.enqueue(Script.ok(body).truncate(body.length() - 20).splitEvery(9));
        try (Response r = stream("gpt-4o", null)) {
            assertThat(r.code()).isEqualTo(200);
            List<String> events = Gateway.events(r.body().string());
            assertThat(events).doesNotContain("[DONE]");
            JsonNode error = Gateway.json(events.get(events.size() - 1)).get("error");
            assertThat(error.get("message").asText()).contains("reply was cut off");
            assertThat(error.get("type").asText()).isEqualTo("server_error");
            assertThat(events).noneMatch(e -> e.contains("\"finish_reason\":\"stop\""));
        }
    }

    @Test
    void a_dropped_upstream_connection_mid_stream_ends_with_an_error_event() throws IOException {
        String body = Fragments.json("c", "This reply loses its connection");
        server.upstream.enqueue(Script.ok(body.substring(0, body.length() - 10)).splitEvery(20).thenCutConnection());
        try (Response r = stream("gpt-4o", null)) {
            List<String> events = Gateway.events(r.body().string());
            assertThat(Gateway.json(events.get(events.size() - 1)).has("error")).isTrue();
            assertThat(events).doesNotContain("[DONE]");
        }
    }

    @Test
    void silence_longer_than_the_idle_timeout_mid_stream_ends_with_an_error_event() throws IOException {
        String body = Fragments.json("c", "This reply stalls");
        // A stalled upstream, silent far past the 1.5 s idle timeout (the fake stops when the gateway hangs up).
        server.upstream.enqueue(Script.ok(body.substring(0, body.length() - 5)).thenHang(30_000));
        try (Response r = stream("gpt-4o", null)) {
            List<String> events = Gateway.events(r.body().string());
            JsonNode error = Gateway.json(events.get(events.size() - 1)).get("error");
            assertThat(error.get("message").asText()).contains("E2B_IDLE_TIMEOUT_MS");
        }
    }

    @Test
    void a_failure_before_any_text_is_still_a_proper_http_error() throws IOException {
        server.upstream.enqueue(Script.status(500, "An unexpected error has occurred. Please try again later."));
        try (Response r = stream("gpt-4o", null)) {
            assertThat(r.code()).isEqualTo(502);
            assertThat(r.header("Content-Type")).startsWith("application/json");
            assertThat(Gateway.json(r).at("/error/message").asText()).contains("An unexpected error has occurred");
        }
    }

    @Test
    void a_client_that_disconnects_mid_stream_cancels_the_upstream() throws Exception {
        server.upstream.resetAborts();
        server.upstream.enqueue(Script.ok(Fragments.json("c", "word ".repeat(400))).splitEvery(10).pause(50));
        Call call = server.gateway.http.newCall(server.gateway.request("/v1/chat/completions")
                .post(RequestBody.create(Gateway.chat("gpt-4o", "Hi", "\"stream\":true"), MediaType.get("application/json"))).build());
        try (Response r = call.execute()) {
            SseReader sse = new SseReader(r);
            sse.next();
            sse.next();
            call.cancel();
        }
        assertThat(server.upstream.awaitAbort(1000)).as("upstream cancelled within a second").isTrue();
    }

    @Test
    void a_client_that_disconnects_before_the_first_byte_cancels_the_upstream() throws Exception {
        for (boolean streaming : new boolean[]{true, false}) {
            server.upstream.resetAborts();
            server.upstream.enqueue(Script.reply("late").headerDelay(8000));
            Call call = server.gateway.http.newCall(server.gateway.request("/v1/chat/completions")
                    .post(RequestBody.create(Gateway.chat("gpt-4o", "Hi", "\"stream\":" + streaming), MediaType.get("application/json"))).build());
            call.enqueue(new okhttp3.Callback() {
                @Override
                public void onFailure(Call c, IOException e) { }

                @Override
                public void onResponse(Call c, Response response) {
                    response.close();
                }
            });
            // Once the upstream has the request, the gateway is waiting for its first byte (8 s away)
            // and watching the client connection. The watch is armed only after 100 ms
            // (ClientDisconnect.ARM_AFTER_MILLIS), so this cancel usually comes first: an armed
            // watch finds the connection already closed just as well, so there is nothing to wait for.
            server.upstream.takeRequest();
            call.cancel();
            assertThat(server.upstream.awaitAbort(1000)).as("upstream cancelled within a second (stream=%s)", streaming).isTrue();
        }
    }

    private static String contentOf(List<String> events) throws IOException {
        StringBuilder content = new StringBuilder();
        for (String e : events) {
            if (e.equals("[DONE]")) continue;
            JsonNode c = Gateway.json(e);
            if (c.has("choices") && !c.get("choices").isEmpty()) content.append(c.at("/choices/0/delta/content").asText(""));
        }
        return content.toString();
    }
}
