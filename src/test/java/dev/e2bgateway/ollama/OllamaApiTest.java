package dev.e2bgateway.ollama;

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
import java.util.Map;

import static dev.e2bgateway.sdk.ModelReplies.messages;
import static org.assertj.core.api.Assertions.assertThat;

/** The Ollama door over raw HTTP, without streaming: chat and generate replies, models, the root, errors. */
class OllamaApiTest {

    static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    static final String WEATHER_CALL = "Let me check.\n<tool_calls>\n<invoke name=\"get_weather\">\n"
            + "<parameter name=\"city\">Paris</parameter>\n<parameter name=\"days\">3</parameter>\n</invoke>\n</tool_calls>";

    static final String WEATHER_TOOL = "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"The weather\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"days\":{\"type\":\"integer\"}},"
            + "\"required\":[\"city\"]}}}";

    @RegisterExtension
    static final RunningGateway server = new RunningGateway(Map.of("E2B_OLLAMA", "on"));

    static Response post(String path, String body) throws IOException {
        return server.gateway.post(path, body);
    }

    static String chat(String model, String text, String extra) {
        return "{\"model\":" + Gateway.quote(model) + ",\"messages\":[{\"role\":\"user\",\"content\":" + Gateway.quote(text) + "}]"
                + (extra == null ? "" : "," + extra) + "}";
    }

    @Test
    void a_chat_with_stream_false_is_one_object_with_the_reply_counts_and_durations() throws IOException {
        server.upstream.enqueue(Script.reply("Hello from the gateway."));
        long before = System.currentTimeMillis();
        try (Response r = post("/api/chat", chat("gpt-4o", "Hi", "\"stream\":false"))) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("application/json");
            JsonNode body = Gateway.json(r);
            assertThat(body.get("model").asText()).isEqualTo("gpt-4o");
            assertThat(body.get("message").toString()).isEqualTo("{\"role\":\"assistant\",\"content\":\"Hello from the gateway.\"}");
            assertThat(body.get("done").asBoolean()).isTrue();
            assertThat(body.get("done_reason").asText()).isEqualTo("stop");
            assertThat(body.get("prompt_eval_count").asInt()).isPositive();
            assertThat(body.get("eval_count").asInt()).isPositive();
            long total = body.get("total_duration").asLong();
            assertThat(total).isPositive().isLessThanOrEqualTo((System.currentTimeMillis() - before + 1) * 1_000_000);
            assertThat(body.get("prompt_eval_duration").asLong() + body.get("eval_duration").asLong()).isEqualTo(total);
            assertThat(body.get("load_duration").asLong()).isZero();
            assertThat(java.time.Instant.parse(body.get("created_at").asText()).toEpochMilli()).isBetween(before, System.currentTimeMillis());
        }
        JsonNode sent = server.upstream.takeRequest().body();
        assertThat(sent.at("/messages/0/content/0/text").asText()).isEqualTo("Hi");
    }

    @Test
    void system_messages_options_and_a_latest_tag_reach_the_upstream() throws IOException {
        server.upstream.enqueue(Script.reply("Ok."));
        String body = "{\"model\":\"gpt-4o:latest\",\"stream\":false,\"think\":false,\"keep_alive\":\"5m\","
                + "\"options\":{\"temperature\":0.3,\"top_p\":0.9,\"top_k\":20,\"seed\":42,\"num_ctx\":8192,\"num_predict\":50,\"stop\":[\"END\"]},"
                + "\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi\"}]}";
        try (Response r = post("/api/chat", body)) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(Gateway.json(r).get("model").asText()).isEqualTo("gpt-4o:latest");
        }
        JsonNode sent = server.upstream.takeRequest().body();
        assertThat(sent.at("/config/system").asText()).contains("Be brief.");
        assertThat(sent.at("/config/temperature").asDouble()).isEqualTo(0.3);
        assertThat(sent.at("/config/topP").asDouble()).isEqualTo(0.9);
        assertThat(sent.at("/config/topK").asInt()).isEqualTo(20);
        assertThat(sent.at("/config/maxTokens").asInt()).as("the reply's limit, with room for the JSON envelope").isGreaterThan(50);
    }

    @Test
    void a_stop_sequence_ends_the_reply_before_it() throws IOException {
        server.upstream.enqueue(Script.reply("One two END three."));
        try (Response r = post("/api/chat", chat("gpt-4o", "Count", "\"stream\":false,\"options\":{\"stop\":[\"END\"]}"))) {
            JsonNode body = Gateway.json(r);
            assertThat(body.at("/message/content").asText()).isEqualTo("One two ");
            assertThat(body.get("done_reason").asText()).isEqualTo("stop");
        }
    }

    @Test
    void num_predict_ends_the_reply_with_length() throws IOException {
        server.upstream.enqueue(Script.reply("one two three four five six seven eight nine ten ".repeat(20)));
        try (Response r = post("/api/chat", chat("gpt-4o", "Count", "\"stream\":false,\"options\":{\"num_predict\":5}"))) {
            JsonNode body = Gateway.json(r);
            assertThat(body.get("done_reason").asText()).isEqualTo("length");
            assertThat(body.get("eval_count").asInt()).isEqualTo(5);
        }
        try (Response r = post("/api/chat", chat("gpt-4o", "Count", "\"options\":{\"num_predict\":0}"))) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(Gateway.json(r).get("error").asText()).contains("num_predict");
        }
    }

    @Test
    void generate_answers_in_response_with_the_system_prompt_sent() throws IOException {
        server.upstream.enqueue(Script.reply("Blue."));
        try (Response r = post("/api/generate", "{\"model\":\"gpt-4o\",\"prompt\":\"Sky colour?\",\"system\":\"One word.\","
                + "\"stream\":false,\"context\":[1,2,3],\"template\":\"{{ .Prompt }}\"}")) {
            JsonNode body = Gateway.json(r);
            assertThat(body.get("response").asText()).isEqualTo("Blue.");
            assertThat(body.get("done").asBoolean()).isTrue();
            assertThat(body.has("message")).isFalse();
        }
        JsonNode sent = server.upstream.takeRequest().body();
        assertThat(sent.at("/config/system").asText()).contains("One word.");
        assertThat(sent.at("/messages/0/content/0/text").asText()).isEqualTo("Sky colour?");
    }

    @Test
    void raw_prompts_and_suffixes_are_refused_before_the_upstream() throws IOException {
        try (Response r = post("/api/generate", "{\"model\":\"gpt-4o\",\"prompt\":\"[INST] hi [/INST]\",\"raw\":true}")) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(Gateway.json(r).get("error").asText()).contains("raw");
        }
        try (Response r = post("/api/generate", "{\"model\":\"gpt-4o\",\"prompt\":\"def f(\",\"suffix\":\"return x\"}")) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(Gateway.json(r).get("error").asText()).contains("suffix");
        }
        server.upstream.assertNoRequest();
    }

    @Test
    void a_request_that_only_loads_a_model_is_answered_at_once_without_the_upstream() throws IOException {
        for (String[] call : List.of(new String[] {"/api/generate", "{\"model\":\"gpt-4o\"}"},
                new String[] {"/api/chat", "{\"model\":\"gpt-4o\",\"messages\":[],\"keep_alive\":-1}"})) {
            try (Response r = post(call[0], call[1])) {
                assertThat(r.code()).isEqualTo(200);
                JsonNode body = Gateway.json(r);
                assertThat(body.get("done").asBoolean()).isTrue();
                assertThat(body.get("done_reason").asText()).isEqualTo("load");
            }
        }
        try (Response r = post("/api/generate", "{\"model\":\"no-such-model\"}")) {
            assertThat(r.code()).isEqualTo(404);
        }
        server.upstream.assertNoRequest();
    }

    @Test
    void format_json_schema_goes_through_the_structured_output_check() throws IOException {
        String schema = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"temp\":{\"type\":\"number\"}},"
                + "\"required\":[\"city\",\"temp\"]}";
        server.upstream.enqueue(Script.reply("{\"city\": \"Paris\", \"temp\": 18.5}"));
        try (Response r = post("/api/chat", chat("gpt-4o", "Weather?", "\"stream\":false,\"format\":" + schema))) {
            assertThat(Gateway.json(Gateway.json(r).at("/message/content").asText()).get("city").asText()).isEqualTo("Paris");
        }
        assertThat(server.upstream.takeRequest().body().at("/config/system").asText()).contains("\"temp\"");
        server.upstream.enqueue(Script.reply("{\"city\": \"Paris\"}"));
        try (Response r = post("/api/chat", chat("gpt-4o", "Weather?", "\"stream\":false,\"format\":" + schema))) {
            assertThat(r.code()).as("a reply that breaks the schema is never passed off as valid").isEqualTo(502);
            assertThat(Gateway.json(r).get("error").asText()).contains("temp");
        }
        server.upstream.enqueue(Script.reply("{\"ok\": true}"));
        try (Response r = post("/api/generate", "{\"model\":\"gpt-4o\",\"prompt\":\"JSON please\",\"format\":\"json\",\"stream\":false}")) {
            assertThat(Gateway.json(Gateway.json(r).get("response").asText()).get("ok").asBoolean()).isTrue();
        }
        try (Response r = post("/api/chat", chat("gpt-4o", "Hi", "\"format\":\"yaml\""))) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(Gateway.json(r).get("error").asText()).contains("'format'");
        }
    }

    @Test
    void a_tool_call_comes_back_with_its_arguments_as_an_object_and_its_result_goes_upstream_paired() throws IOException {
        server.upstream.enqueue(Script.reply(WEATHER_CALL));
        try (Response r = post("/api/chat", chat("gpt-4o", "Weather in Paris?", "\"stream\":false,\"tools\":[" + WEATHER_TOOL + "]"))) {
            JsonNode message = Gateway.json(r).get("message");
            assertThat(message.get("content").asText()).isEqualTo("Let me check.\n");
            JsonNode function = message.at("/tool_calls/0/function");
            assertThat(function.get("name").asText()).isEqualTo("get_weather");
            assertThat(function.get("arguments").toString()).isEqualTo("{\"city\":\"Paris\",\"days\":3}");
        }
        assertThat(server.upstream.takeRequest().body().at("/config/system").asText()).contains("get_weather");

        server.upstream.enqueue(Script.reply("Sunny, 18 °C."));
        String followUp = "{\"model\":\"gpt-4o\",\"stream\":false,\"tools\":[" + WEATHER_TOOL + "],\"messages\":["
                + "{\"role\":\"user\",\"content\":\"Weather in Paris and Rome?\"},"
                + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}},"
                + "{\"function\":{\"name\":\"get_time\",\"arguments\":{\"zone\":\"CET\"}}}]},"
                + "{\"role\":\"tool\",\"tool_name\":\"get_time\",\"content\":\"12:00\"},"
                + "{\"role\":\"tool\",\"tool_name\":\"get_weather\",\"content\":\"18 °C\"}]}";
        try (Response r = post("/api/chat", followUp)) {
            assertThat(Gateway.json(r).at("/message/content").asText()).isEqualTo("Sunny, 18 °C.");
        }
        List<String> sent = messages(server.upstream.takeRequest().body());
        assertThat(sent).containsExactly("user: Weather in Paris and Rome?",
                "assistant: <tool_calls>\n<invoke name=\"get_weather\" id=\"call_1_0\">\n<parameter name=\"city\">Paris</parameter>\n</invoke>\n"
                        + "<invoke name=\"get_time\" id=\"call_1_1\">\n<parameter name=\"zone\">CET</parameter>\n</invoke>\n</tool_calls>",
                "user: <tool_results>\n<result call_id=\"call_1_0\" name=\"get_weather\">\n18 °C\n</result>\n"
                        + "<result call_id=\"call_1_1\" name=\"get_time\">\n12:00\n</result>\n</tool_results>");
    }

    @Test
    void a_base64_image_goes_upstream_as_a_data_url_and_a_broken_one_is_refused() throws IOException {
        server.upstream.enqueue(Script.reply("A pixel."));
        String body = "{\"model\":\"gpt-4o\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"What is this?\",\"images\":[\""
                + PNG + "\"]}]}";
        try (Response r = post("/api/chat", body)) {
            assertThat(r.code()).isEqualTo(200);
        }
        assertThat(server.upstream.takeRequest().body().at("/messages/0/content/1/image").asText()).isEqualTo("data:image/png;base64," + PNG);
        try (Response r = post("/api/chat", body.replace(PNG, "bm90IGFuIGltYWdl"))) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(Gateway.json(r).get("error").asText()).contains("messages[0].images[0]");
        }
        try (Response r = post("/api/chat", body.replace("gpt-4o", "o3-mini"))) {
            assertThat(r.code()).as("a model that takes no images").isEqualTo(400);
        }
        server.upstream.assertNoRequest();
    }

    @Test
    void tags_show_ps_and_version_describe_the_gateway_models() throws IOException {
        JsonNode tags;
        try (Response r = server.gateway.get("/api/tags")) {
            tags = Gateway.json(r).get("models");
        }
        List<String> names = new ArrayList<>();
        tags.forEach(m -> names.add(m.get("name").asText()));
        assertThat(names).contains("gpt-4o", "claude-sonnet-4-5-20250929");
        JsonNode gpt = tags.get(names.indexOf("gpt-4o"));
        assertThat(gpt.get("model").asText()).isEqualTo("gpt-4o");
        assertThat(gpt.get("digest").asText()).matches("[0-9a-f]{64}");
        assertThat(gpt.at("/details/family").asText()).isEqualTo("openai");
        assertThat(gpt.at("/details/families").toString()).contains("clip");

        try (Response r = post("/api/show", "{\"model\":\"gpt-4o\"}")) {
            assertThat(Gateway.json(r).get("capabilities").toString()).isEqualTo("[\"completion\",\"tools\",\"vision\"]");
        }
        try (Response r = post("/api/show", "{\"name\":\"o3-mini\"}")) {
            assertThat(Gateway.json(r).get("capabilities").toString()).isEqualTo("[\"completion\",\"tools\"]");
        }
        try (Response r = post("/api/show", "{\"model\":\"llama3\"}")) {
            assertThat(r.code()).isEqualTo(404);
            assertThat(Gateway.json(r).get("error").asText()).contains("'llama3' not found");
        }
        try (Response r = server.gateway.get("/api/ps")) {
            assertThat(Gateway.json(r).toString()).isEqualTo("{\"models\":[]}");
        }
        try (Response r = server.gateway.get("/api/version")) {
            assertThat(Gateway.json(r).get("version").asText()).matches("\\d+\\.\\d+\\.\\d+");
        }
    }

    @Test
    void the_root_says_ollama_is_running_to_apps_and_shows_the_playground_to_browsers() throws IOException {
        Request plain = new Request.Builder().url(server.gateway.baseUrl() + "/").build();
        try (Response r = server.gateway.http.newCall(plain).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).isEqualTo("Ollama is running");
        }
        try (Response r = server.gateway.http.newCall(plain.newBuilder().head().build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
        }
        try (Response r = server.gateway.http.newCall(plain.newBuilder().header("Accept", "text/html,application/xhtml+xml").build()).execute()) {
            assertThat(r.header("Content-Type")).startsWith("text/html");
            assertThat(r.body().string()).contains("<html");
        }
    }

    @Test
    void model_management_and_embeddings_are_refused_in_ollama_shape() throws IOException {
        for (String op : List.of("pull", "push", "create", "copy")) {
            try (Response r = post("/api/" + op, "{\"model\":\"llama3\"}")) {
                assertThat(r.code()).as(op).isEqualTo(403);
                assertThat(Gateway.json(r).get("error").asText()).contains(op + " is not offered").contains("/api/tags");
            }
        }
        try (Response r = server.gateway.http.newCall(server.gateway.request("/api/delete")
                .delete(RequestBody.create("{\"model\":\"gpt-4o\"}", MediaType.get("application/json"))).build()).execute()) {
            assertThat(r.code()).isEqualTo(403);
        }
        try (Response r = post("/api/embed", "{\"model\":\"gpt-4o\",\"input\":\"hi\"}")) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(Gateway.json(r).get("error").asText()).contains("embeddings");
        }
        server.upstream.assertNoRequest();
    }

    @Test
    void errors_are_one_error_string_with_the_right_status() throws IOException {
        try (Response r = post("/api/chat", "{not json")) {
            assertThat(r.code()).isEqualTo(400);
            JsonNode body = Gateway.json(r);
            assertThat(body.size()).isEqualTo(1);
            assertThat(body.get("error").isTextual()).isTrue();
        }
        try (Response r = post("/api/chat", chat("llama3", "Hi", null))) {
            assertThat(r.code()).isEqualTo(404);
            assertThat(Gateway.json(r).get("error").asText()).isEqualTo("model 'llama3' not found: GET /api/tags lists the models this gateway serves");
        }
        try (Response r = post("/api/chat", chat("gpt-4o", "Hi", "\"options\":{\"temperature\":\"hot\"}"))) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(Gateway.json(r).get("error").asText()).contains("temperature");
        }
        try (Response r = server.gateway.http.newCall(new Request.Builder().url(server.gateway.baseUrl() + "/api/tags").build()).execute()) {
            assertThat(r.code()).as("a key is needed unless the operator lets keyless requests in").isEqualTo(401);
            assertThat(Gateway.json(r).get("error").isTextual()).isTrue();
        }
        server.upstream.enqueue(Script.status(500, "An unexpected error has occurred."));
        try (Response r = post("/api/chat", chat("gpt-4o", "Hi", null))) {
            assertThat(r.code()).as("a failure before the first line is still a status").isEqualTo(502);
            assertThat(Gateway.json(r).get("error").asText()).contains("An unexpected error has occurred");
        }
    }
}
