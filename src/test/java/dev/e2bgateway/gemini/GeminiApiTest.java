package dev.e2bgateway.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.FakeFragments;
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

import static org.assertj.core.api.Assertions.assertThat;

/** The Gemini door over real HTTP: its wire shapes, both stream framings, tools, images, errors. */
class GeminiApiTest {

    static final String REPLY = "Bonjour! 你好 😀 \"quoted\"\nsecond line.";

    @RegisterExtension
    static final RunningGateway server = new RunningGateway(Map.of("E2B_GEMINI_MODEL", "gpt-4o"));

    static Response post(String path, String body) throws IOException {
        return GeminiWire.post(server.gateway, path, body);
    }

    static String user(String text) {
        return "{\"role\":\"user\",\"parts\":[{\"text\":" + Gateway.quote(text) + "}]}";
    }

    static String body(String contents, String extra) {
        return "{\"contents\":[" + contents + "]" + (extra == null ? "" : "," + extra) + "}";
    }

    static List<JsonNode> sseEvents(String body) throws IOException {
        return GeminiWire.sseEvents(body);
    }

    static String text(List<JsonNode> chunks) {
        return GeminiWire.text(chunks);
    }

    @Test
    void generate_content_answers_in_googles_shape_and_names_the_model_that_answered() throws IOException {
        server.upstream.enqueue(Script.ok(Fragments.json("c", REPLY)).splitEvery(5));
        try (Response r = post("/v1beta/models/gemini-2.5-flash:generateContent",
                body(user("Hello"), "\"systemInstruction\":{\"parts\":[{\"text\":\"Be brief.\"}]},"
                        + "\"generationConfig\":{\"temperature\":0.2,\"maxOutputTokens\":300,\"thinkingConfig\":{\"thinkingBudget\":0}}"))) {
            assertThat(r.code()).isEqualTo(200);
            JsonNode g = Gateway.json(r);
            assertThat(g.at("/candidates/0/content/role").asText()).isEqualTo("model");
            assertThat(g.at("/candidates/0/content/parts/0/text").asText()).isEqualTo(REPLY);
            assertThat(g.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
            assertThat(g.get("modelVersion").asText()).isEqualTo("gpt-4o");
            assertThat(g.get("responseId").asText()).isNotBlank();
            int prompt = g.at("/usageMetadata/promptTokenCount").asInt();
            int out = g.at("/usageMetadata/candidatesTokenCount").asInt();
            assertThat(prompt).isPositive();
            assertThat(out).isPositive();
            assertThat(g.at("/usageMetadata/totalTokenCount").asInt()).isEqualTo(prompt + out);
        }
        JsonNode sent = server.upstream.takeRequest().body();
        assertThat(sent.at("/config/system").asText()).contains("Be brief.");
        assertThat(sent.toString()).contains("Hello");
    }

    @Test
    void sse_stream_is_one_data_line_per_event_even_with_utf8_split_across_upstream_chunks() throws IOException {
        server.upstream.enqueue(Script.ok(Fragments.json("c", REPLY)).splitEvery(1));
        try (Response r = post("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", body(user("Hello"), null))) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("text/event-stream");
            List<JsonNode> events = sseEvents(r.body().string());
            assertThat(text(events)).isEqualTo(REPLY);
            JsonNode last = events.get(events.size() - 1);
            assertThat(last.at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
            assertThat(last.at("/usageMetadata/totalTokenCount").asInt()).isPositive();
            assertThat(events).allSatisfy(e -> assertThat(e.get("modelVersion").asText()).isEqualTo("gpt-4o"));
            // No empty text part anywhere: Gemini CLI reads one as an invalid response.
            assertThat(events).allSatisfy(e -> e.at("/candidates/0/content/parts")
                    .forEach(p -> assertThat(p.path("text").asText("x")).isNotEmpty()));
        }
    }

    @Test
    void stream_without_alt_sse_is_one_json_array_whose_elements_are_the_chunks() throws IOException {
        server.upstream.enqueue(Script.ok(Fragments.json("c", REPLY)).splitEvery(2));
        try (Response r = post("/v1/models/gemini-2.5-flash:streamGenerateContent", body(user("Hello"), null))) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("application/json");
            JsonNode array = Gateway.json(r.body().string());
            assertThat(array.isArray()).isTrue();
            List<JsonNode> chunks = new ArrayList<>();
            array.forEach(chunks::add);
            assertThat(chunks.size()).isGreaterThan(1);
            assertThat(text(chunks)).isEqualTo(REPLY);
            assertThat(chunks.get(chunks.size() - 1).at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
        }
    }

    @Test
    void a_reply_cut_mid_stream_ends_with_an_error_event_in_either_framing() throws IOException {
        String cut = Fragments.json("c", "This answer starts well and then the upstream goes away");
        server.upstream.enqueue(Script.ok(cut).truncate(cut.length() - 15).splitEvery(10));
        try (Response r = post("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", body(user("Hello"), null))) {
            List<JsonNode> events = sseEvents(r.body().string());
            JsonNode last = events.get(events.size() - 1);
            assertThat(text(events)).startsWith("This answer starts well");
            assertThat(last.at("/error/status").asText()).isEqualTo("INTERNAL");
            assertThat(last.at("/error/message").asText()).contains("cut off");
        }
        server.upstream.enqueue(Script.ok(cut).truncate(cut.length() - 15).splitEvery(10));
        try (Response r = post("/v1beta/models/gemini-2.5-flash:streamGenerateContent", body(user("Hello"), null))) {
            JsonNode array = Gateway.json(r.body().string());
            assertThat(array.get(array.size() - 1).at("/error/code").asInt()).isEqualTo(500);
        }
    }

    static final String TOOLS = "\"tools\":[{\"functionDeclarations\":["
            + "{\"name\":\"get_weather\",\"description\":\"Weather of a city\",\"parametersJsonSchema\":{\"type\":\"object\","
            + "\"properties\":{\"city\":{\"type\":\"string\"},\"days\":{\"type\":\"integer\"}},\"required\":[\"city\"]}},"
            + "{\"name\":\"get_time\",\"parameters\":{\"type\":\"OBJECT\",\"properties\":{\"zone\":{\"type\":\"STRING\",\"nullable\":true}}}}]},"
            + "{\"googleSearch\":{}}]";

    static final String TWO_CALLS = "Let me check.\n<tool_calls>\n<invoke name=\"get_weather\">\n<parameter name=\"city\">Oslo</parameter>\n"
            + "<parameter name=\"days\">3</parameter>\n</invoke>\n<invoke name=\"get_time\">\n<parameter name=\"zone\">Europe/Oslo</parameter>\n"
            + "</invoke>\n</tool_calls>";

    @Test
    void parallel_function_calls_stream_as_function_call_parts_with_ids() throws IOException {
        server.upstream.enqueue(Script.ok(Fragments.json("c", TWO_CALLS)).splitEvery(7));
        List<JsonNode> calls = new ArrayList<>();
        try (Response r = post("/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse", body(user("Weather and time in Oslo?"), TOOLS))) {
            for (JsonNode e : sseEvents(r.body().string())) {
                e.at("/candidates/0/content/parts").forEach(p -> {
                    if (p.has("functionCall")) calls.add(p.get("functionCall"));
                });
            }
        }
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).get("name").asText()).isEqualTo("get_weather");
        assertThat(calls.get(0).get("args").toString()).isEqualTo("{\"city\":\"Oslo\",\"days\":3}");
        assertThat(calls.get(1).get("name").asText()).isEqualTo("get_time");
        assertThat(calls.get(0).get("id").asText()).isNotBlank().isNotEqualTo(calls.get(1).get("id").asText());
        String system = server.upstream.takeRequest().body().at("/config/system").asText();
        assertThat(system).contains("### get_weather", "### get_time").doesNotContain("googleSearch");
    }

    @Test
    void function_responses_pair_with_their_calls_by_id_or_by_order_and_an_error_is_marked() throws IOException {
        server.upstream.enqueue(Script.ok(Fragments.json("c", "Sunny, noon.")));
        String history = user("Weather and time in Oslo?") + ","
                + "{\"role\":\"model\",\"parts\":[{\"text\":\"Checking.\",\"thoughtSignature\":\"c2lnbmF0dXJl\"},"
                + "{\"functionCall\":{\"id\":\"fc-1\",\"name\":\"get_weather\",\"args\":{\"city\":\"Oslo\"}},\"thoughtSignature\":\"c2ln\"},"
                + "{\"functionCall\":{\"id\":\"fc-2\",\"name\":\"get_time\",\"args\":{}}}]},"
                + "{\"role\":\"user\",\"parts\":[{\"functionResponse\":{\"id\":\"fc-2\",\"name\":\"get_time\",\"response\":{\"error\":\"no clock\"}}},"
                + "{\"functionResponse\":{\"name\":\"get_weather\",\"response\":{\"output\":\"sunny\"}}}]}";
        try (Response r = post("/v1beta/models/gemini-2.5-pro:generateContent", body(history, TOOLS))) {
            assertThat(r.code()).isEqualTo(200);
        }
        JsonNode messages = server.upstream.takeRequest().body().get("messages");
        String assistant = messages.at("/1/content/0/text").asText();
        assertThat(assistant).startsWith("Checking.").contains("<invoke name=\"get_weather\" id=\"fc-1\">", "<invoke name=\"get_time\" id=\"fc-2\">");
        String results = messages.at("/2/content/0/text").asText();
        assertThat(results).contains("<result call_id=\"fc-1\" name=\"get_weather\">\nsunny", "<result call_id=\"fc-2\" name=\"get_time\" error=\"true\">\nno clock");
        assertThat(results.indexOf("fc-1")).isLessThan(results.indexOf("fc-2"));
    }

    @Test
    void function_calling_config_any_with_allowed_names_forces_those_and_an_unknown_name_is_a_400() throws IOException {
        server.upstream.enqueue(Script.ok(Fragments.json("c", TWO_CALLS)));
        try (Response r = post("/v1beta/models/gemini-2.5-pro:generateContent", body(user("Time?"), TOOLS
                + ",\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"ANY\",\"allowedFunctionNames\":[\"get_time\"]}}"))) {
            assertThat(r.code()).isEqualTo(200);
        }
        assertThat(server.upstream.takeRequest().body().at("/config/system").asText()).contains("### get_time").doesNotContain("### get_weather");
        try (Response r = post("/v1beta/models/gemini-2.5-pro:generateContent", body(user("Time?"), TOOLS
                + ",\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"ANY\",\"allowedFunctionNames\":[\"nope\"]}}"))) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(Gateway.json(r).at("/error/status").asText()).isEqualTo("INVALID_ARGUMENT");
        }
        server.upstream.assertNoRequest();
    }

    @Test
    void structured_output_goes_through_the_validator_with_an_openapi_schema() throws IOException {
        server.upstream.enqueue(Script.ok(Fragments.json("c", "{\"city\":\"Oslo\",\"temp\":3}")));
        try (Response r = post("/v1beta/models/gemini-2.5-flash:generateContent", body(user("Weather as JSON"),
                "\"generationConfig\":{\"responseMimeType\":\"application/json\",\"responseSchema\":{\"type\":\"OBJECT\","
                        + "\"properties\":{\"city\":{\"type\":\"STRING\"},\"temp\":{\"type\":\"INTEGER\"}},\"required\":[\"city\",\"temp\"]}}"))) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(Gateway.json(Gateway.json(r).at("/candidates/0/content/parts/0/text").asText()).get("temp").asInt()).isEqualTo(3);
        }
        assertThat(server.upstream.takeRequest().body().at("/config/system").asText()).contains("\"integer\"");
    }

    @Test
    void an_inline_image_reaches_the_upstream_and_other_media_are_a_400() throws IOException {
        server.upstream.enqueue(Script.ok(Fragments.json("c", "A red dot.")));
        String image = "{\"role\":\"user\",\"parts\":[{\"text\":\"What is this?\"},{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}}]}";
        try (Response r = post("/v1beta/models/gemini-2.5-flash:generateContent", body(image, null))) {
            assertThat(r.code()).isEqualTo(200);
        }
        assertThat(server.upstream.takeRequest().body().toString()).contains("data:image/png;base64,iVBORw0KGgo=");
        for (String part : List.of("{\"inlineData\":{\"mimeType\":\"audio/wav\",\"data\":\"AAAA\"}}",
                "{\"fileData\":{\"mimeType\":\"image/png\",\"fileUri\":\"gs://bucket/a.png\"}}",
                "{\"videoMetadata\":{}}")) {
            try (Response r = post("/v1beta/models/gemini-2.5-flash:generateContent", body("{\"role\":\"user\",\"parts\":[" + part + "]}", null))) {
                assertThat(r.code()).as(part).isEqualTo(400);
                JsonNode error = Gateway.json(r).get("error");
                assertThat(error.get("code").asInt()).isEqualTo(400);
                assertThat(error.get("status").asText()).isEqualTo("INVALID_ARGUMENT");
                assertThat(error.get("message").asText()).contains("contents[0].parts[0]");
            }
        }
        server.upstream.assertNoRequest();
    }

    @Test
    void count_tokens_and_models_answer_in_googles_shape() throws IOException {
        try (Response r = post("/v1beta/models/gemini-2.5-flash:countTokens", body(user("Hello there"), null))) {
            assertThat(Gateway.json(r).get("totalTokens").asInt()).isPositive();
        }
        try (Response r = server.gateway.http.newCall(server.gateway.request("/v1beta/models?key=" + Gateway.KEY).get().build()).execute()) {
            JsonNode models = Gateway.json(r).get("models");
            assertThat(models).isNotEmpty();
            assertThat(models.get(0).get("name").asText()).startsWith("models/");
            assertThat(models.get(0).get("supportedGenerationMethods").toString()).contains("generateContent", "countTokens");
        }
        try (Response r = server.gateway.http.newCall(new Request.Builder().url(server.gateway.baseUrl() + "/v1/models/gemini-2.5-flash")
                .header("x-goog-api-key", Gateway.KEY).build()).execute()) {
            JsonNode model = Gateway.json(r);
            assertThat(model.get("name").asText()).isEqualTo("models/gemini-2.5-flash");
            assertThat(model.get("version").asText()).isEqualTo("gpt-4o");
        }
        server.upstream.assertNoRequest();
    }

    @Test
    void the_catalogs_own_gemini_models_answer_by_googles_name_and_list_without_a_doubled_prefix() throws IOException {
        // The upstream names its Gemini models "models/gemini-2.0-flash"; Google's clients call them "gemini-2.0-flash".
        server.upstream.enqueue(Script.ok(Fragments.json("c", REPLY)));
        try (Response r = post("/v1beta/models/gemini-2.0-flash:generateContent", body(user("Hello"), null))) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(Gateway.json(r).get("modelVersion").asText()).isEqualTo("models/gemini-2.0-flash");
        }
        assertThat(server.upstream.takeRequest().body().at("/config/model").asText()).isEqualTo("models/gemini-2.0-flash");
        try (Response r = server.gateway.http.newCall(server.gateway.request("/v1beta/models?key=" + Gateway.KEY).get().build()).execute()) {
            List<String> names = new ArrayList<>();
            Gateway.json(r).get("models").forEach(m -> names.add(m.get("name").asText()));
            assertThat(names).contains("models/gemini-2.0-flash", "models/gpt-4o").noneMatch(n -> n.startsWith("models/models/"));
        }
    }

    @Test
    void without_a_model_rule_an_unknown_name_is_a_404_naming_the_setting() throws Exception {
        try (FakeFragments upstream = new FakeFragments(); Gateway gateway = Gateway.start(upstream);
             Response r = GeminiWire.post(gateway, "/v1beta/models/gemini-9-ultra:generateContent", body(user("x"), null))) {
            assertThat(r.code()).isEqualTo(404);
            JsonNode error = Gateway.json(r).get("error");
            assertThat(error.get("status").asText()).isEqualTo("NOT_FOUND");
            assertThat(error.get("message").asText()).contains("'gemini-9-ultra'", "E2B_GEMINI_MODEL");
            upstream.assertNoRequest();
        }
    }

    @Test
    void errors_are_googles_shape_with_status_names() throws IOException {
        try (Response r = server.gateway.http.newCall(new Request.Builder().url(server.gateway.baseUrl()
                + "/v1beta/models/gemini-2.5-flash:generateContent").post(RequestBody.create(body(user("x"), null),
                MediaType.get("application/json"))).build()).execute()) {
            assertThat(r.code()).isEqualTo(401);
            assertThat(Gateway.json(r).at("/error/status").asText()).isEqualTo("UNAUTHENTICATED");
        }
        server.upstream.enqueue(Script.status(429, "You have reached your request limit for the day."));
        try (Response r = post("/v1beta/models/gemini-2.5-flash:generateContent", body(user("x"), null))) {
            assertThat(r.code()).isEqualTo(429);
            assertThat(Gateway.json(r).at("/error/status").asText()).isEqualTo("RESOURCE_EXHAUSTED");
        }
        server.upstream.enqueue(Script.status(500, ""));
        try (Response r = post("/v1beta/models/gemini-2.5-flash:generateContent", body(user("x"), null))) {
            assertThat(r.code()).isEqualTo(500);
            assertThat(Gateway.json(r).at("/error/status").asText()).isEqualTo("INTERNAL");
        }
        try (Response r = post("/v1beta/models/gemini-2.5-flash:embedContent", body(user("x"), null))) {
            assertThat(r.code()).isEqualTo(404);
            assertThat(Gateway.json(r).at("/error/status").asText()).isEqualTo("NOT_FOUND");
        }
    }
}
