package dev.e2bgateway.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.RunningGateway;
import dev.e2bgateway.support.Script;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Anthropic's Messages API over real HTTP, on the same core as the OpenAI side. */
class MessagesApiTest {

    static final String REPLY = "Bonjour! 你好 😀 \"quoted\"\nsecond line.";

    @RegisterExtension
    static final RunningGateway server = new RunningGateway();

    private static Response post(String path, String body, String key) throws IOException {
        Request.Builder b = new Request.Builder().url(server.gateway.baseUrl() + path)
                .header("anthropic-version", "2023-06-01")
                .post(RequestBody.create(body, MediaType.get("application/json")));
        if (key != null) b.header("x-api-key", key);
        return server.gateway.http.newCall(b.build()).execute();
    }

    /** Like a client of the OpenAI kind: the key as a Bearer token, no x-api-key, no anthropic-version. */
    private static Response bearer(String body, String key) throws IOException {
        return server.gateway.http.newCall(new Request.Builder().url(server.gateway.baseUrl() + "/v1/messages")
                .header("Authorization", "Bearer " + key)
                .post(RequestBody.create(body, MediaType.get("application/json"))).build()).execute();
    }

    private static String body(String model, String extra) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":1024,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]"
                + (extra == null ? "" : "," + extra) + "}";
    }

    record Event(String name, JsonNode data) {}

    private static List<Event> events(String sse) throws IOException {
        List<Event> out = new ArrayList<>();
        for (String frame : sse.split("\n\n")) {
            if (frame.isBlank()) continue;
            String[] lines = frame.split("\n");
            assertThat(lines).hasSize(2);
            assertThat(lines[0]).startsWith("event: ");
            assertThat(lines[1]).startsWith("data: ");
            Event e = new Event(lines[0].substring(7), Gateway.json(lines[1].substring(6)));
            assertThat(e.data().get("type").asText()).isEqualTo(e.name());
            out.add(e);
        }
        return out;
    }

    @Test
    void a_message_has_anthropics_shape() throws IOException {
        server.upstream.enqueue(Script.ok(Fragments.json("c", REPLY)).splitEvery(6));
        try (Response r = post("/v1/messages", body("claude-sonnet-4-5-20250929", null), Gateway.KEY)) {
            assertThat(r.code()).isEqualTo(200);
            JsonNode m = Gateway.json(r);
            assertThat(m.get("id").asText()).startsWith("msg_");
            assertThat(m.get("type").asText()).isEqualTo("message");
            assertThat(m.get("role").asText()).isEqualTo("assistant");
            assertThat(m.get("model").asText()).isEqualTo("claude-sonnet-4-5-20250929");
            assertThat(m.get("content").toString()).isEqualTo("[{\"type\":\"text\",\"text\":" + Gateway.quote(REPLY) + "}]");
            assertThat(m.get("stop_reason").asText()).isEqualTo("end_turn");
            assertThat(m.get("stop_sequence").isNull()).isTrue();
            assertThat(m.at("/usage/input_tokens").asInt()).isPositive();
            assertThat(m.at("/usage/output_tokens").asInt()).isPositive();
        }
    }

    @Test
    void a_stream_sends_every_event_in_order_as_the_text_grows() throws IOException {
        server.upstream.enqueue(Script.ok(Fragments.jsonAsciiEscaped("c", REPLY)).splitEvery(5));
        try (Response r = post("/v1/messages", body("claude-3-7-sonnet-latest", "\"stream\":true"), Gateway.KEY)) {
            assertThat(r.header("Content-Type")).startsWith("text/event-stream");
            List<Event> events = events(r.body().string());
            List<String> names = events.stream().map(Event::name).toList();
            assertThat(names.subList(0, 3)).containsExactly("message_start", "content_block_start", "ping");
            assertThat(names.subList(names.size() - 3, names.size())).containsExactly("content_block_stop", "message_delta", "message_stop");
            List<Event> deltas = events.subList(3, events.size() - 3);
            assertThat(deltas).hasSizeGreaterThan(3).allMatch(e -> e.name().equals("content_block_delta"));
            StringBuilder text = new StringBuilder();
            for (Event e : deltas) {
                assertThat(e.data().at("/delta/type").asText()).isEqualTo("text_delta");
                assertThat(e.data().get("index").asInt()).isZero();
                text.append(e.data().at("/delta/text").asText());
            }
            assertThat(text.toString()).isEqualTo(REPLY);
            JsonNode start = events.get(0).data().get("message");
            assertThat(start.get("content")).isEmpty();
            assertThat(start.at("/usage/input_tokens").asInt()).isPositive();
            assertThat(events.get(1).data().get("content_block").toString()).isEqualTo("{\"type\":\"text\",\"text\":\"\"}");
            JsonNode messageDelta = events.get(events.size() - 2).data();
            assertThat(messageDelta.at("/delta/stop_reason").asText()).isEqualTo("end_turn");
            assertThat(messageDelta.at("/usage/output_tokens").asInt()).isPositive();
        }
    }

    @Test
    void max_tokens_ends_with_stop_reason_max_tokens() throws IOException {
        server.upstream.enqueue(Script.ok(Fragments.json("c", "one two three four five six seven eight nine ten ".repeat(20))).splitEvery(9));
        String b = "{\"model\":\"claude-3-7-sonnet-latest\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"Count\"}]}";
        try (Response r = post("/v1/messages", b, Gateway.KEY)) {
            JsonNode m = Gateway.json(r);
            assertThat(m.get("stop_reason").asText()).isEqualTo("max_tokens");
            assertThat(m.at("/usage/output_tokens").asInt()).isEqualTo(4);
        }
    }

    @Test
    void a_stop_sequence_ends_with_stop_reason_stop_sequence_and_names_it() throws IOException {
        server.upstream.enqueue(Script.ok(Fragments.json("c", "alpha beta END gamma")).splitEvery(3));
        try (Response r = post("/v1/messages", body("claude-3-7-sonnet-latest", "\"stream\":true,\"stop_sequences\":[\"END\",\"zzz\"]"), Gateway.KEY)) {
            List<Event> events = events(r.body().string());
            StringBuilder text = new StringBuilder();
            events.stream().filter(e -> e.name().equals("content_block_delta")).forEach(e -> text.append(e.data().at("/delta/text").asText()));
            assertThat(text.toString()).isEqualTo("alpha beta ");
            JsonNode delta = events.get(events.size() - 2).data().get("delta");
            assertThat(delta.get("stop_reason").asText()).isEqualTo("stop_sequence");
            assertThat(delta.get("stop_sequence").asText()).isEqualTo("END");
        }
    }

    @Test
    void system_prompts_and_images_reach_the_upstream() throws IOException {
        String b = "{\"model\":\"claude-3-7-sonnet-latest\",\"max_tokens\":100,"
                + "\"system\":[{\"type\":\"text\",\"text\":\"You are terse.\"},{\"type\":\"text\",\"text\":\"Use French.\"}],"
                + "\"metadata\":{\"user_id\":\"u1\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What is it?\"},"
                + "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}}]}]}";
        try (Response r = post("/v1/messages", b, Gateway.KEY)) {
            assertThat(r.code()).isEqualTo(200);
        }
        JsonNode sent = server.upstream.takeRequest().body();
        assertThat(sent.at("/messages/0/content/1").toString()).isEqualTo("{\"type\":\"image\",\"image\":\"data:image/png;base64,iVBORw0KGgo=\"}");
        assertThat(sent.at("/config/system").asText()).contains("You are terse.\n\nUse French.");
        assertThat(sent.at("/config/maxTokens").asInt()).isGreaterThan(100);
    }

    @Test
    void count_tokens_counts_the_prompt() throws IOException {
        try (Response r = post("/v1/messages/count_tokens",
                "{\"model\":\"claude-3-7-sonnet-latest\",\"system\":\"Be brief.\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}", Gateway.KEY)) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(Gateway.json(r).get("input_tokens").asInt()).as("the gateway's chat prompt is counted too").isBetween(150, 1_000);
        }
        server.upstream.assertNoRequest();
    }

    private static void assertError(Response r, int status, String type) throws IOException {
        assertThat(r.code()).isEqualTo(status);
        JsonNode body = Gateway.json(r);
        assertThat(body.get("type").asText()).isEqualTo("error");
        assertThat(body.at("/error/type").asText()).isEqualTo(type);
        assertThat(body.at("/error/message").asText()).isNotBlank();
    }

    @Test
    void errors_have_anthropics_shape_types_and_statuses() throws IOException {
        try (Response r = post("/v1/messages", "{\"model\":\"claude-3-7-sonnet-latest\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", Gateway.KEY)) {
            assertError(r, 400, "invalid_request_error");
        }
        try (Response r = post("/v1/messages", body("o3-mini",
                "\"system\":\"s\"").replace("\"content\":\"Hello\"", "\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"AA==\"}}]"), Gateway.KEY)) {
            assertError(r, 400, "invalid_request_error");
        }
        try (Response r = post("/v1/messages", body("claude-3-7-sonnet-latest", null), "sk-wrong")) {
            assertError(r, 401, "authentication_error");
        }
        try (Response r = post("/v1/messages", body("claude-9", null), Gateway.KEY)) {
            assertError(r, 404, "not_found_error");
        }
        server.upstream.enqueue(Script.status(429, "You have reached your request limit for the day.")
                .header("X-RateLimit-Reset", String.valueOf(System.currentTimeMillis() + 60_000)));
        try (Response r = post("/v1/messages", body("claude-3-7-sonnet-latest", null), Gateway.KEY)) {
            assertError(r, 429, "rate_limit_error");
            assertThat(r.header("retry-after")).isNotNull();
        }
        server.upstream.enqueue(Script.status(500, "An unexpected error has occurred. Please try again later."));
        try (Response r = post("/v1/messages", body("claude-3-7-sonnet-latest", null), Gateway.KEY)) {
            assertError(r, 502, "api_error");
        }
        server.upstream.enqueue(Script.status(529, "The provider is currently unavailable. Please try again later."));
        server.upstream.enqueue(Script.status(529, "The provider is currently unavailable. Please try again later."));
        try (Response r = post("/v1/messages", body("claude-3-7-sonnet-latest", null), Gateway.KEY)) {
            assertError(r, 529, "overloaded_error");
        }
        // Authorization: Bearer instead of x-api-key (and no anthropic-version header): accepted,
        // and a wrong Bearer key is refused in Anthropic's shape like a wrong x-api-key.
        try (Response r = bearer(body("claude-3-7-sonnet-latest", null), Gateway.KEY)) {
            assertThat(r.code()).as("Authorization: Bearer works too").isEqualTo(200);
            assertThat(Gateway.json(r).get("type").asText()).isEqualTo("message");
        }
        try (Response r = bearer(body("claude-3-7-sonnet-latest", null), "sk-wrong")) {
            assertError(r, 401, "authentication_error");
        }
    }

    @Test
    void a_failure_after_the_stream_started_is_an_error_event() throws IOException {
        String full = Fragments.json("c", "this reply is cut off");
        server.upstream.enqueue(Script.ok(full).truncate(full.length() - 6));
        try (Response r = post("/v1/messages", body("claude-3-7-sonnet-latest", "\"stream\":true"), Gateway.KEY)) {
            List<Event> events = events(r.body().string());
            Event last = events.get(events.size() - 1);
            assertThat(last.name()).isEqualTo("error");
            assertThat(last.data().at("/error/type").asText()).isEqualTo("api_error");
            assertThat(events).noneMatch(e -> e.name().equals("message_stop"));
        }
    }

    @Test
    void errors_follow_the_route_however_its_path_is_spelled() throws IOException {
        for (String path : List.of("/v1/messages", "//v1//messages", "/v1/messages/", "/v1//messages/count_tokens")) {
            try (Response r = post(path, body("claude-3-7-sonnet-latest", null), "sk-wrong")) {
                assertThat(r.code()).as(path).isEqualTo(401);
                JsonNode error = Gateway.json(r);
                assertThat(error.get("type").asText()).as(path).isEqualTo("error");
                assertThat(error.at("/error/type").asText()).as(path).isEqualTo("authentication_error");
            }
            try (Response r = post(path, "{\"model\":\"claude-3-7-sonnet-latest\",\"messages\":[]}", Gateway.KEY)) {
                assertThat(r.code()).as(path).isEqualTo(400);
                assertThat(Gateway.json(r).at("/error/type").asText()).as(path).isEqualTo("invalid_request_error");
            }
        }
    }

    @Test
    void an_overloaded_upstream_is_529_overloaded_error() throws IOException {
        server.upstream.enqueue(Script.status(529, "The provider is currently unavailable. Please try again later."));
        server.upstream.enqueue(Script.status(529, "The provider is currently unavailable. Please try again later."));
        try (Response r = post("/v1/messages", body("claude-3-7-sonnet-latest", null), Gateway.KEY)) {
            assertThat(r.code()).isEqualTo(529);
            assertThat(Gateway.json(r).at("/error/type").asText()).isEqualTo("overloaded_error");
        }
    }
}
