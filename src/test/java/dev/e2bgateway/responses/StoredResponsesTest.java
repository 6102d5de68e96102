package dev.e2bgateway.responses;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.RunningGateway;
import dev.e2bgateway.support.Script;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code store}, {@code previous_response_id}, {@code item_reference} and the stored-response
 * endpoints, with the default in-memory store (RedisStoreIT runs the same against Redis, with
 * two gateways).
 */
class StoredResponsesTest {

    @RegisterExtension
    static final RunningGateway server = new RunningGateway();

    static Response post(String body) throws IOException {
        return server.gateway.post("/v1/responses", body);
    }

    static JsonNode create(String body, String reply) throws IOException {
        server.upstream.enqueue(Script.reply(reply));
        try (Response r = post(body)) {
            assertThat(r.code()).isEqualTo(200);
            return Gateway.json(r);
        }
    }

    static Response delete(String path) throws IOException {
        return server.gateway.http.newCall(server.gateway.request(path).delete().build()).execute();
    }

    static void assertError(Response r, int status, String param, String code) throws IOException {
        assertThat(r.code()).isEqualTo(status);
        JsonNode error = Gateway.json(r).get("error");
        assertThat(error.fieldNames()).toIterable().containsExactly("message", "type", "param", "code");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        if (param == null) assertThat(error.get("param").isNull()).isTrue();
        else assertThat(error.get("param").asText()).isEqualTo(param);
        if (code == null) assertThat(error.get("code").isNull()).isTrue();
        else assertThat(error.get("code").asText()).isEqualTo(code);
    }

    @Test
    void a_stored_response_can_be_read_listed_and_deleted() throws IOException {
        JsonNode created = create("{\"model\":\"gpt-4o\",\"input\":[{\"role\":\"developer\",\"content\":\"Be kind.\"},"
                + "{\"role\":\"user\",\"content\":\"one\"},{\"role\":\"assistant\",\"content\":\"two\"},"
                + "{\"type\":\"message\",\"role\":\"user\",\"id\":\"msg_mine\",\"content\":[{\"type\":\"input_text\",\"text\":\"three\"}]}]}",
                "four");
        String id = created.get("id").asText();
        server.upstream.takeRequest();
        try (Response r = server.gateway.get("/v1/responses/" + id)) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(Gateway.json(r)).isEqualTo(created);
        }
        try (Response r = server.gateway.get("/v1/responses/" + id + "/input_items")) {
            JsonNode list = Gateway.json(r);
            assertThat(list.get("object").asText()).isEqualTo("list");
            JsonNode data = list.get("data");
            assertThat(data).hasSize(4);
            assertThat(data.get(0).toString()).as("newest first; the client's own id kept").isEqualTo(
                    "{\"type\":\"message\",\"id\":\"msg_mine\",\"role\":\"user\",\"status\":\"completed\","
                            + "\"content\":[{\"type\":\"input_text\",\"text\":\"three\"}]}");
            assertThat(data.get(1).at("/content/0").toString()).isEqualTo("{\"type\":\"output_text\",\"text\":\"two\",\"annotations\":[]}");
            assertThat(data.get(3).get("role").asText()).isEqualTo("developer");
            assertThat(data.get(3).get("id").asText()).startsWith("msg_");
            assertThat(list.get("first_id").asText()).isEqualTo("msg_mine");
            assertThat(list.get("last_id").asText()).isEqualTo(data.get(3).get("id").asText());
            assertThat(list.get("has_more").asBoolean()).isFalse();
        }
        try (Response r = server.gateway.get("/v1/responses/" + id + "/input_items?order=asc&limit=2")) {
            JsonNode page = Gateway.json(r);
            assertThat(page.at("/data/0/role").asText()).isEqualTo("developer");
            assertThat(page.at("/data/1/content/0/text").asText()).isEqualTo("one");
            assertThat(page.get("has_more").asBoolean()).isTrue();
            try (Response next = server.gateway.get("/v1/responses/" + id + "/input_items?order=asc&limit=2&after="
                    + page.get("last_id").asText())) {
                JsonNode rest = Gateway.json(next);
                assertThat(rest.get("data")).hasSize(2);
                assertThat(rest.get("last_id").asText()).isEqualTo("msg_mine");
                assertThat(rest.get("has_more").asBoolean()).isFalse();
            }
        }
        try (Response r = server.gateway.get("/v1/responses/" + id + "?stream=true")) {
            assertError(r, 400, "stream", null);
        }
        try (Response r = server.gateway.get("/v1/responses/" + id + "/input_items?limit=500")) {
            assertError(r, 400, "limit", null);
        }
        try (Response r = delete("/v1/responses/" + id)) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(Gateway.json(r).toString()).isEqualTo("{\"id\":\"" + id + "\",\"object\":\"response\",\"deleted\":true}");
        }
        try (Response r = server.gateway.get("/v1/responses/" + id)) {
            assertError(r, 404, null, null);
        }
        try (Response r = delete("/v1/responses/" + id)) {
            assertError(r, 404, null, null);
        }
        server.upstream.assertNoRequest();
    }

    @Test
    void previous_response_id_continues_the_conversation_across_several_turns() throws IOException {
        JsonNode first = create("{\"model\":\"gpt-4o\",\"instructions\":\"Turn one's rules.\",\"input\":\"My name is Ada.\"}", "Hello Ada!");
        server.upstream.takeRequest();
        JsonNode second = create("{\"model\":\"gpt-4o\",\"previous_response_id\":\"" + first.get("id").asText()
                + "\",\"input\":\"I live in Paris.\"}", "Nice city.");
        JsonNode sent = server.upstream.takeRequest().body();
        assertThat(second.get("previous_response_id").asText()).isEqualTo(first.get("id").asText());
        assertThat(texts(sent.get("messages"))).containsExactly("user: My name is Ada.", "assistant: Hello Ada!", "user: I live in Paris.");
        assertThat(sent.at("/config/system").asText()).as("instructions are not carried over").doesNotContain("Turn one's rules.");

        // The third turn sends its input and the second response's id; the whole conversation comes back.
        server.upstream.enqueue(Script.ok(Fragments.json("c", "Ada, from Paris.")).splitEvery(5));
        try (Response r = post("{\"model\":\"gpt-4o\",\"stream\":true,\"previous_response_id\":\"" + second.get("id").asText()
                + "\",\"input\":[{\"role\":\"user\",\"content\":\"Who am I?\"}]}")) {
            List<ResponsesApiTest.Event> events = ResponsesApiTest.events(r.body().string());
            JsonNode third = events.get(events.size() - 1).data().get("response");
            try (Response get = server.gateway.get("/v1/responses/" + third.get("id").asText())) {
                assertThat(Gateway.json(get)).as("a streamed response is stored as its final event has it").isEqualTo(third);
            }
        }
        assertThat(texts(server.upstream.takeRequest().body().get("messages"))).containsExactly("user: My name is Ada.",
                "assistant: Hello Ada!", "user: I live in Paris.", "assistant: Nice city.", "user: Who am I?");
    }

    @Test
    void a_function_call_round_trip_continues_from_the_stored_call() throws IOException {
        String tool = "\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"city\":{\"type\":\"string\"}}}}]";
        JsonNode first = create("{\"model\":\"gpt-4o\",\"input\":\"Weather in Paris?\"," + tool + "}",
                "<tool_calls>\n<invoke name=\"get_weather\">\n<parameter name=\"city\">Paris</parameter>\n</invoke>\n</tool_calls>");
        server.upstream.takeRequest();
        JsonNode call = first.at("/output/0");
        assertThat(call.get("type").asText()).isEqualTo("function_call");
        create("{\"model\":\"gpt-4o\",\"previous_response_id\":\"" + first.get("id").asText() + "\"," + tool
                + ",\"input\":[{\"type\":\"function_call_output\",\"call_id\":\"" + call.get("call_id").asText() + "\",\"output\":\"18 C\"}]}",
                "It is 18 C.");
        JsonNode messages = server.upstream.takeRequest().body().get("messages");
        assertThat(texts(messages)).containsExactly("user: Weather in Paris?",
                "assistant: <tool_calls>\n<invoke name=\"get_weather\" id=\"" + call.get("call_id").asText() + "\">\n<parameter name=\"city\">Paris</parameter>\n</invoke>\n</tool_calls>",
                "user: <tool_results>\n<result call_id=\"" + call.get("call_id").asText() + "\" name=\"get_weather\">\n18 C\n</result>\n</tool_results>");
    }

    @Test
    void item_references_are_replaced_by_the_stored_items() throws IOException {
        JsonNode first = create("{\"model\":\"gpt-4o\",\"input\":\"Say hi.\"}", "Hi!");
        server.upstream.takeRequest();
        String messageId = first.at("/output/0/id").asText();
        create("{\"model\":\"gpt-4o\",\"input\":[{\"role\":\"user\",\"content\":\"Say hi.\"},{\"type\":\"item_reference\",\"id\":\""
                + messageId + "\"},{\"role\":\"user\",\"content\":\"Again.\"}]}", "Hi again!");
        assertThat(texts(server.upstream.takeRequest().body().get("messages")))
                .containsExactly("user: Say hi.", "assistant: Hi!", "user: Again.");
        try (Response r = post("{\"model\":\"gpt-4o\",\"input\":[{\"role\":\"user\",\"content\":\"x\"},{\"id\":\"msg_unknown\"}]}")) {
            assertError(r, 400, "input[1].id", "item_not_found");
        }
        server.upstream.assertNoRequest();
    }

    @Test
    void an_unknown_previous_response_or_one_not_stored_is_a_400_that_never_reaches_the_upstream() throws IOException {
        try (Response r = post("{\"model\":\"gpt-4o\",\"previous_response_id\":\"resp_nope\",\"input\":\"hi\"}")) {
            assertError(r, 400, "previous_response_id", "previous_response_not_found");
        }
        JsonNode unstored = create("{\"model\":\"gpt-4o\",\"store\":false,\"input\":\"hi\"}", "hello");
        server.upstream.takeRequest();
        assertThat(unstored.get("store").asBoolean()).isFalse();
        try (Response r = server.gateway.get("/v1/responses/" + unstored.get("id").asText())) {
            assertError(r, 404, null, null);
        }
        try (Response r = post("{\"model\":\"gpt-4o\",\"previous_response_id\":\"" + unstored.get("id").asText() + "\",\"input\":\"hi\"}")) {
            assertError(r, 400, "previous_response_id", "previous_response_not_found");
        }
        try (Response r = post("{\"model\":\"gpt-4o\",\"store\":false,\"input\":[{\"role\":\"user\",\"content\":\"x\"},"
                + "{\"type\":\"item_reference\",\"id\":\"" + unstored.at("/output/0/id").asText() + "\"}]}")) {
            assertError(r, 400, "input[1].id", "item_not_found");
        }
        server.upstream.assertNoRequest();
    }

    @Test
    void a_conversation_whose_beginning_was_deleted_cannot_be_continued_and_says_why() throws IOException {
        JsonNode first = create("{\"model\":\"gpt-4o\",\"input\":\"one\"}", "two");
        JsonNode second = create("{\"model\":\"gpt-4o\",\"previous_response_id\":\"" + first.get("id").asText() + "\",\"input\":\"three\"}", "four");
        server.upstream.takeRequest();
        server.upstream.takeRequest();
        try (Response r = delete("/v1/responses/" + first.get("id").asText())) {
            assertThat(r.code()).isEqualTo(200);
        }
        try (Response r = post("{\"model\":\"gpt-4o\",\"previous_response_id\":\"" + second.get("id").asText() + "\",\"input\":\"five\"}")) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(Gateway.json(r).at("/error/message").asText()).contains(first.get("id").asText(), "no longer stored");
        }
        server.upstream.assertNoRequest();
    }

    /** "role: text" of each upstream message, its text parts joined. */
    static List<String> texts(JsonNode messages) {
        return java.util.stream.StreamSupport.stream(messages.spliterator(), false).map(m -> {
            StringBuilder text = new StringBuilder();
            m.get("content").forEach(p -> text.append(p.path("text").asText()));
            return m.get("role").asText() + ": " + text;
        }).toList();
    }
}
