package dev.e2bgateway.responses;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.RunningGateway;
import dev.e2bgateway.support.Script;
import okhttp3.Request;
import okhttp3.Response;
import okio.BufferedSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/** The Responses API over real HTTP: both modes, tool calls, limits and failures, on the same core as the other dialects. */
class ResponsesApiTest {

    static final String REPLY = "Bonjour! 你好 😀 \"quoted\"\nsecond line.";

    @RegisterExtension
    static final RunningGateway server = new RunningGateway();

    /** The keys of a Response, in the order the SDKs' types list them (openai npm 6.49). */
    static final List<String> RESPONSE_KEYS = List.of("id", "object", "created_at", "status", "background", "error",
            "incomplete_details", "instructions", "max_output_tokens", "max_tool_calls", "model", "output", "output_text", "parallel_tool_calls",
            "previous_response_id", "reasoning", "service_tier", "store", "temperature", "text", "tool_choice", "tools", "top_p",
            "truncation", "usage", "metadata");

    static Response post(String body) throws IOException {
        return server.gateway.post("/v1/responses", body);
    }

    static String body(String input, String extra) {
        return "{\"model\":\"gpt-4o\",\"input\":" + Gateway.quote(input) + (extra == null ? "" : "," + extra) + "}";
    }

    record Event(String type, JsonNode data) {}

    /** Every frame is "event: <type>" and one data line whose JSON repeats the type; sequence numbers run 0, 1, 2, ... */
    static List<Event> events(String sse) throws IOException {
        List<Event> out = new ArrayList<>();
        for (String frame : sse.split("\n\n")) {
            if (frame.isBlank()) continue;
            String[] lines = frame.split("\n");
            assertThat(lines).as(frame).hasSize(2);
            assertThat(lines[0]).startsWith("event: ");
            assertThat(lines[1]).startsWith("data: ");
            Event e = new Event(lines[0].substring(7), Gateway.json(lines[1].substring(6)));
            assertThat(e.data().get("type").asText()).isEqualTo(e.type());
            assertThat(e.data().get("sequence_number").asInt()).as(e.type()).isEqualTo(out.size());
            assertThat(e.data().has("error")).as("no top-level error key: openai-java fails on it (%s)", e.type()).isFalse();
            out.add(e);
        }
        return out;
    }

    static List<String> types(List<Event> events) {
        return events.stream().map(Event::type).toList();
    }

    static String replyWithCalls(String text, String... invokes) {
        return text + "<tool_calls>\n" + String.join("\n", invokes) + "\n</tool_calls>";
    }

    static String invoke(String name, String parameter, String value) {
        return "<invoke name=\"" + name + "\">\n<parameter name=\"" + parameter + "\">" + value + "</parameter>\n</invoke>";
    }

    static final String WEATHER_TOOL = "{\"type\":\"function\",\"name\":\"get_weather\",\"description\":\"Weather for a city.\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]},\"strict\":true}";
    static final String CRM_NAMESPACE = "{\"type\":\"namespace\",\"name\":\"crm\",\"description\":\"The customer database.\",\"tools\":["
            + "{\"type\":\"function\",\"name\":\"lookup\",\"description\":\"Finds a customer.\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"email\":{\"type\":\"string\"}},\"required\":[\"email\"]}}]}";
    static final String PATCH_TOOL = "{\"type\":\"custom\",\"name\":\"apply_patch\",\"description\":\"Applies a patch.\"}";

    @Test
    void a_response_has_the_shape_the_sdks_require() throws IOException {
        server.upstream.enqueue(Script.ok(Fragments.json("c", REPLY)).splitEvery(6));
        try (Response r = post(body("Hello", "\"instructions\":\"Be brief.\",\"metadata\":{\"k\":\"v\"},\"temperature\":0.5"))) {
            assertThat(r.code()).isEqualTo(200);
            JsonNode resp = Gateway.json(r);
            assertThat(resp.fieldNames()).toIterable().containsAll(RESPONSE_KEYS);
            assertThat(resp.get("id").asText()).as("an unguessable id: it is the key to the stored response").matches("resp_[A-Za-z0-9]{32}");
            assertThat(resp.get("object").asText()).isEqualTo("response");
            assertThat(resp.get("status").asText()).isEqualTo("completed");
            assertThat(resp.get("error").isNull()).isTrue();
            assertThat(resp.get("incomplete_details").isNull()).isTrue();
            assertThat(resp.get("model").asText()).isEqualTo("gpt-4o");
            assertThat(resp.get("instructions").asText()).isEqualTo("Be brief.");
            assertThat(resp.get("temperature").asDouble()).isEqualTo(0.5);
            assertThat(resp.get("metadata").toString()).isEqualTo("{\"k\":\"v\"}");
            assertThat(resp.get("store").asBoolean()).isTrue();
            assertThat(resp.at("/text/format/type").asText()).isEqualTo("text");
            assertThat(resp.get("tool_choice").asText()).isEqualTo("auto");
            assertThat(resp.get("output")).hasSize(1);
            JsonNode message = resp.at("/output/0");
            assertThat(message.get("id").asText()).matches("msg_[A-Za-z0-9]{32}");
            assertThat(message.get("type").asText()).isEqualTo("message");
            assertThat(message.get("role").asText()).isEqualTo("assistant");
            assertThat(message.get("status").asText()).isEqualTo("completed");
            assertThat(message.get("content").toString()).isEqualTo(
                    "[{\"type\":\"output_text\",\"text\":" + Gateway.quote(REPLY) + ",\"annotations\":[],\"logprobs\":[]}]");
            JsonNode usage = resp.get("usage");
            assertThat(usage.get("input_tokens").asInt()).isPositive();
            assertThat(usage.get("output_tokens").asInt()).isPositive();
            assertThat(usage.get("total_tokens").asInt()).isEqualTo(usage.get("input_tokens").asInt() + usage.get("output_tokens").asInt());
            assertThat(usage.get("input_tokens_details").toString()).isEqualTo("{\"cached_tokens\":0,\"cache_write_tokens\":0}");
            assertThat(usage.get("output_tokens_details").toString()).isEqualTo("{\"reasoning_tokens\":0}");
            assertThat(resp.get("output_text").asText()).as("as the SDKs compute it").isEqualTo(REPLY);
        }
        JsonNode sent = server.upstream.takeRequest().body();
        assertThat(sent.at("/messages/0/content/0/text").asText()).isEqualTo("Hello");
        assertThat(sent.at("/config/system").asText()).endsWith("Be brief.");
        assertThat(sent.at("/config/temperature").asDouble()).isEqualTo(0.5);
    }

    @Test
    void a_stream_sends_every_event_in_order_with_text_as_it_arrives() throws Exception {
        CountDownLatch clientSawText = new CountDownLatch(1);
        String fragment = Fragments.json("c", "First part. Second part.");
        int split = fragment.indexOf("Second");
        Script script = Script.pieces(fragment.substring(0, split), fragment.substring(split)).gateBefore(1, clientSawText);
        server.upstream.enqueue(script);
        try (Response r = post(body("Hello", "\"stream\":true"))) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("text/event-stream");
            BufferedSource source = r.body().source();
            StringBuilder sse = new StringBuilder();
            // The first delta arrives while the upstream still holds the rest back.
            while (!sse.toString().contains("response.output_text.delta")) sse.append(source.readUtf8Line()).append('\n');
            sse.append(source.readUtf8Line()).append('\n').append(source.readUtf8Line()).append('\n');
            clientSawText.countDown();
            sse.append(source.readUtf8());
            assertThat(script.openedByGate()).as("the rest was sent because the client saw the first delta").isTrue();
            List<Event> events = events(sse.toString());
            List<String> types = types(events);
            assertThat(types.subList(0, 4)).containsExactly("response.created", "response.in_progress",
                    "response.output_item.added", "response.content_part.added");
            assertThat(types.subList(types.size() - 4, types.size())).containsExactly("response.output_text.done",
                    "response.content_part.done", "response.output_item.done", "response.completed");
            List<Event> deltas = events.subList(4, events.size() - 4);
            assertThat(deltas).hasSizeGreaterThanOrEqualTo(2).allMatch(e -> e.type().equals("response.output_text.delta"));
            assertThat(deltas.get(0).data().get("delta").asText()).isEqualTo("First part. ");

            JsonNode created = events.get(0).data().get("response");
            assertThat(created.fieldNames()).toIterable().containsAll(RESPONSE_KEYS);
            assertThat(created.get("status").asText()).isEqualTo("in_progress");
            assertThat(created.get("output")).isEmpty();
            assertThat(created.get("usage").isNull()).isTrue();
            JsonNode added = events.get(2).data();
            String itemId = added.at("/item/id").asText();
            assertThat(added.get("output_index").asInt()).isZero();
            assertThat(added.get("item").toString()).isEqualTo(
                    "{\"id\":\"" + itemId + "\",\"type\":\"message\",\"status\":\"in_progress\",\"role\":\"assistant\",\"content\":[]}");
            for (Event d : deltas) {
                assertThat(d.data().get("item_id").asText()).isEqualTo(itemId);
                assertThat(d.data().get("output_index").asInt()).isZero();
                assertThat(d.data().get("content_index").asInt()).isZero();
                assertThat(d.data().get("logprobs").isArray()).isTrue();
            }
            assertThat(events.get(events.size() - 4).data().get("text").asText()).isEqualTo("First part. Second part.");
            JsonNode itemDone = events.get(events.size() - 2).data().get("item");
            assertThat(itemDone.get("status").asText()).isEqualTo("completed");
            JsonNode completed = events.get(events.size() - 1).data().get("response");
            assertThat(completed.get("id").asText()).isEqualTo(created.get("id").asText());
            assertThat(completed.get("status").asText()).isEqualTo("completed");
            assertThat(completed.get("output")).containsExactly(itemDone);
            assertThat(completed.at("/usage/output_tokens").asInt()).isPositive();
        }
    }

    @Test
    void calls_come_back_as_function_call_items_with_namespaces_and_custom_tools_in_both_modes() throws IOException {
        String reply = replyWithCalls("Checking.\n",
                invoke("get_weather", "city", "Paris"),
                invoke("crm.lookup", "email", "a@b.c"),
                invoke("apply_patch", "input", "*** Begin Patch\n\"quoted\"\n*** End Patch"));
        String tools = "\"tools\":[" + WEATHER_TOOL + "," + CRM_NAMESPACE + "," + PATCH_TOOL + ",{\"type\":\"web_search\"}]";

        server.upstream.enqueue(Script.ok(Fragments.json("c", reply)).splitEvery(7));
        JsonNode resp;
        try (Response r = post(body("Weather in Paris?", tools))) {
            assertThat(r.code()).isEqualTo(200);
            resp = Gateway.json(r);
        }
        JsonNode output = resp.get("output");
        assertThat(output).hasSize(4);
        assertThat(output.at("/0/content/0/text").asText()).isEqualTo("Checking.\n");
        assertCalls(output.get(1), output.get(2), output.get(3));
        assertThat(resp.get("tools")).as("built-in tools are not offered, so not listed").hasSize(3);
        JsonNode sent = server.upstream.takeRequest().body();
        assertThat(sent.at("/config/system").asText()).contains("get_weather", "crm.lookup", "apply_patch").doesNotContain("web_search");

        server.upstream.enqueue(Script.ok(Fragments.json("c", reply)).splitEvery(7));
        try (Response r = post(body("Weather in Paris?", tools + ",\"stream\":true"))) {
            List<Event> events = events(r.body().string());
            List<String> types = types(events);
            int firstCall = types.indexOf("response.function_call_arguments.delta") - 1;
            assertThat(types.subList(firstCall - 3, firstCall)).containsExactly("response.output_text.done",
                    "response.content_part.done", "response.output_item.done");
            assertThat(types.subList(firstCall, types.size())).containsExactly(
                    "response.output_item.added", "response.function_call_arguments.delta",
                    "response.function_call_arguments.done", "response.output_item.done",
                    "response.output_item.added", "response.function_call_arguments.delta",
                    "response.function_call_arguments.done", "response.output_item.done",
                    "response.output_item.added", "response.custom_tool_call_input.delta",
                    "response.custom_tool_call_input.done", "response.output_item.done",
                    "response.completed");
            JsonNode added = events.get(firstCall).data();
            assertThat(added.get("output_index").asInt()).isEqualTo(1);
            assertThat(added.at("/item/status").asText()).isEqualTo("in_progress");
            assertThat(added.at("/item/arguments").asText()).isEmpty();
            JsonNode argsDone = events.get(firstCall + 2).data();
            assertThat(argsDone.get("arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
            assertThat(argsDone.get("item_id").asText()).isEqualTo(added.at("/item/id").asText());
            JsonNode completed = events.get(events.size() - 1).data().get("response");
            JsonNode streamedOutput = completed.get("output");
            assertThat(streamedOutput).hasSize(4);
            assertCalls(streamedOutput.get(1), streamedOutput.get(2), streamedOutput.get(3));
            assertThat(streamedOutput.get(1)).isEqualTo(events.get(firstCall + 3).data().get("item"));
        }
    }

    private static void assertCalls(JsonNode weather, JsonNode lookup, JsonNode patch) {
        assertThat(weather.get("type").asText()).isEqualTo("function_call");
        assertThat(weather.get("id").asText()).startsWith("fc_");
        assertThat(weather.get("call_id").asText()).startsWith("call_");
        assertThat(weather.get("name").asText()).isEqualTo("get_weather");
        assertThat(weather.get("arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(weather.get("status").asText()).isEqualTo("completed");
        assertThat(weather.has("namespace")).isFalse();
        assertThat(lookup.get("type").asText()).isEqualTo("function_call");
        assertThat(lookup.get("name").asText()).as("a namespaced function's own name").isEqualTo("lookup");
        assertThat(lookup.get("namespace").asText()).isEqualTo("crm");
        assertThat(lookup.get("arguments").asText()).isEqualTo("{\"email\":\"a@b.c\"}");
        assertThat(patch.get("type").asText()).isEqualTo("custom_tool_call");
        assertThat(patch.get("name").asText()).isEqualTo("apply_patch");
        assertThat(patch.get("input").asText()).isEqualTo("*** Begin Patch\n\"quoted\"\n*** End Patch");
        assertThat(patch.get("call_id").asText()).startsWith("call_");
    }

    @Test
    void calls_and_outputs_sent_back_reach_the_model_in_the_call_format() throws IOException {
        String input = "[{\"role\":\"user\",\"content\":\"Weather in Paris? And who is a@b.c?\"},"
                + "{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[],\"encrypted_content\":\"opaque\"},"
                + "{\"type\":\"message\",\"role\":\"assistant\",\"id\":\"msg_a\",\"status\":\"completed\","
                + "\"content\":[{\"type\":\"output_text\",\"text\":\"Checking.\",\"annotations\":[]}]},"
                + "{\"type\":\"function_call\",\"id\":\"fc_1\",\"call_id\":\"call_1\",\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"},"
                + "{\"type\":\"function_call\",\"call_id\":\"call_2\",\"name\":\"lookup\",\"namespace\":\"crm\",\"arguments\":\"{\\\"email\\\":\\\"a@b.c\\\"}\"},"
                + "{\"type\":\"function_call_output\",\"call_id\":\"call_1\",\"output\":\"18 C, sunny\"},"
                + "{\"type\":\"function_call_output\",\"call_id\":\"call_2\",\"output\":[{\"type\":\"input_text\",\"text\":\"Ada\"}]},"
                + "{\"type\":\"web_search_call\",\"id\":\"ws_1\",\"status\":\"completed\"}]";
        server.upstream.enqueue(Script.reply("Paris: 18 C. a@b.c is Ada."));
        String b = "{\"model\":\"gpt-4o\",\"store\":false,\"tools\":[" + WEATHER_TOOL + "," + CRM_NAMESPACE + "],\"input\":" + input + "}";
        try (Response r = post(b)) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(Gateway.json(r).at("/output/0/content/0/text").asText()).isEqualTo("Paris: 18 C. a@b.c is Ada.");
        }
        JsonNode messages = server.upstream.takeRequest().body().get("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.at("/1/role").asText()).isEqualTo("assistant");
        assertThat(messages.at("/1/content/0/text").asText()).isEqualTo("Checking.\n<tool_calls>\n"
                + "<invoke name=\"get_weather\" id=\"call_1\">\n<parameter name=\"city\">Paris</parameter>\n</invoke>\n"
                + "<invoke name=\"crm.lookup\" id=\"call_2\">\n<parameter name=\"email\">a@b.c</parameter>\n</invoke>\n</tool_calls>");
        assertThat(messages.at("/2/role").asText()).isEqualTo("user");
        assertThat(messages.at("/2/content/0/text").asText()).isEqualTo("<tool_results>\n"
                + "<result call_id=\"call_1\" name=\"get_weather\">\n18 C, sunny\n</result>\n"
                + "<result call_id=\"call_2\" name=\"crm.lookup\">\nAda\n</result>\n</tool_results>");
    }

    @Test
    void the_token_limit_makes_the_response_incomplete_in_both_modes() throws IOException {
        String longReply = "one two three four five six seven eight nine ten ".repeat(20);
        server.upstream.enqueue(Script.ok(Fragments.json("c", longReply)).splitEvery(9));
        try (Response r = post(body("Count", "\"max_output_tokens\":4"))) {
            JsonNode resp = Gateway.json(r);
            assertThat(resp.get("status").asText()).isEqualTo("incomplete");
            assertThat(resp.at("/incomplete_details/reason").asText()).isEqualTo("max_output_tokens");
            assertThat(resp.at("/output/0/status").asText()).isEqualTo("incomplete");
            assertThat(resp.at("/usage/output_tokens").asInt()).isEqualTo(4);
            assertThat(resp.get("max_output_tokens").asInt()).isEqualTo(4);
        }
        server.upstream.enqueue(Script.ok(Fragments.json("c", longReply)).splitEvery(9));
        try (Response r = post(body("Count", "\"max_output_tokens\":4,\"stream\":true"))) {
            List<Event> events = events(r.body().string());
            Event last = events.get(events.size() - 1);
            assertThat(last.type()).isEqualTo("response.incomplete");
            assertThat(last.data().at("/response/incomplete_details/reason").asText()).isEqualTo("max_output_tokens");
            assertThat(types(events)).doesNotContain("response.completed");
        }
    }

    @Test
    void a_failure_after_the_stream_started_is_response_failed_never_a_completion() throws IOException {
        String full = Fragments.json("c", "this reply is cut off");
        server.upstream.enqueue(Script.ok(full).truncate(full.length() - 6));
        String id;
        try (Response r = post(body("Hello", "\"stream\":true"))) {
            List<Event> events = events(r.body().string());
            Event last = events.get(events.size() - 1);
            assertThat(last.type()).isEqualTo("response.failed");
            JsonNode failed = last.data().get("response");
            assertThat(failed.get("status").asText()).isEqualTo("failed");
            assertThat(failed.at("/error/code").asText()).isEqualTo("server_error");
            assertThat(failed.at("/error/message").asText()).isNotEmpty();
            assertThat(failed.at("/output/0/content/0/text").asText()).isEqualTo("this reply is cut");
            assertThat(types(events)).doesNotContain("response.completed");
            id = failed.get("id").asText();
        }
        try (Response r = server.gateway.get("/v1/responses/" + id)) {
            assertThat(r.code()).as("a failed response is not stored").isEqualTo(404);
        }
    }

    @Test
    void a_failure_before_the_stream_is_an_http_error_in_openais_shape() throws IOException {
        server.upstream.enqueue(Script.status(429, "{\"error\":\"Rate limit exceeded\"}"));
        try (Response r = post(body("Hello", "\"stream\":true"))) {
            assertThat(r.code()).isEqualTo(429);
            JsonNode error = Gateway.json(r).get("error");
            assertThat(error.get("type").asText()).isEqualTo("rate_limit_exceeded");
            assertThat(error.fieldNames()).toIterable().containsExactly("message", "type", "param", "code");
        }
    }

    @Test
    void json_schema_output_is_checked_and_echoed() throws IOException {
        String format = "\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"city\",\"strict\":true,\"schema\":"
                + "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},\"required\":[\"name\"],\"additionalProperties\":false}}}";
        server.upstream.enqueue(Script.reply("{\"name\":\"Paris\"}"));
        try (Response r = post(body("Capital of France?", format))) {
            JsonNode resp = Gateway.json(r);
            assertThat(resp.at("/output/0/content/0/text").asText()).isEqualTo("{\"name\":\"Paris\"}");
            assertThat(resp.at("/text/format/name").asText()).isEqualTo("city");
        }
        assertThat(server.upstream.takeRequest().body().at("/config/system").asText()).contains("JSON Schema");
        server.upstream.enqueue(Script.reply("{\"town\":\"Paris\"}"));
        try (Response r = post(body("Capital of France?", format))) {
            assertThat(r.code()).as("a reply that breaks the schema is not passed off as valid").isEqualTo(502);
        }
    }

    @Test
    void input_tokens_counts_the_prompt_without_calling_the_upstream() throws IOException {
        try (Response r = server.gateway.post("/v1/responses/input_tokens",
                "{\"model\":\"gpt-4o\",\"instructions\":\"Be brief.\",\"input\":\"Hello there\"}")) {
            assertThat(r.code()).isEqualTo(200);
            JsonNode count = Gateway.json(r);
            assertThat(count.get("object").asText()).isEqualTo("response.input_tokens");
            assertThat(count.get("input_tokens").asInt()).as("the gateway's chat prompt is counted too").isBetween(150, 1_000);
        }
        server.upstream.assertNoRequest();
    }

    /** The request a coding agent sends: a long developer prompt, many tools, built-in ones too, its own item ids, store off. */
    @Test
    void a_coding_agents_request_is_served() throws IOException {
        StringBuilder tools = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            tools.append("{\"type\":\"function\",\"name\":\"tool_").append(i).append("\",\"description\":\"Tool number ").append(i)
                    .append(".\",\"strict\":false,\"parameters\":{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}},"
                            + "\"required\":[\"path\"],\"additionalProperties\":false}},");
        }
        tools.append(CRM_NAMESPACE).append(",{\"type\":\"web_search\",\"search_context_size\":\"medium\"}");
        String developer = "You are a coding agent. Follow the repository's conventions. ".repeat(400);
        assertThat(developer.length()).isGreaterThan(20_000);
        String b = "{\"model\":\"gpt-5\",\"store\":false,\"stream\":true,\"parallel_tool_calls\":false,"
                + "\"include\":[\"reasoning.encrypted_content\"],\"reasoning\":{\"effort\":\"medium\",\"summary\":\"auto\"},"
                + "\"prompt_cache_key\":\"session-1\",\"service_tier\":\"auto\",\"truncation\":\"auto\",\"safety_identifier\":\"u\","
                + "\"client_metadata\":{\"x\":\"y\"},\"user\":\"someone\",\"tool_choice\":\"auto\",\"tools\":[" + tools + "],"
                + "\"input\":[{\"type\":\"message\",\"role\":\"developer\",\"id\":\"msg_dev\",\"content\":[{\"type\":\"input_text\",\"text\":"
                + Gateway.quote(developer) + "}]},"
                + "{\"type\":\"message\",\"role\":\"user\",\"id\":\"msg_user1\",\"content\":[{\"type\":\"input_text\",\"text\":\"Read a.txt\"}]},"
                + "{\"type\":\"reasoning\",\"id\":\"rs_2\",\"summary\":[{\"type\":\"summary_text\",\"text\":\"thinking\"}],\"encrypted_content\":\"xyz\"}]}";
        server.upstream.enqueue(Script.ok(Fragments.json("c", replyWithCalls("", invoke("tool_3", "path", "a.txt")))).splitEvery(11));
        try (Response r = post(b)) {
            assertThat(r.code()).isEqualTo(200);
            List<Event> events = events(r.body().string());
            JsonNode done = events.get(events.size() - 1).data().get("response");
            assertThat(done.get("status").asText()).isEqualTo("completed");
            assertThat(done.get("output")).hasSize(1);
            assertThat(done.at("/output/0/name").asText()).isEqualTo("tool_3");
            assertThat(done.at("/output/0/arguments").asText()).isEqualTo("{\"path\":\"a.txt\"}");
            assertThat(done.get("store").asBoolean()).isFalse();
            assertThat(done.get("parallel_tool_calls").asBoolean()).isFalse();
            try (Response get = server.gateway.get("/v1/responses/" + done.get("id").asText())) {
                assertThat(get.code()).as("store: false keeps nothing").isEqualTo(404);
            }
        }
        JsonNode sent = server.upstream.takeRequest().body();
        String system = sent.at("/config/system").asText();
        assertThat(system).contains(developer.strip(), "tool_0", "tool_9", "crm.lookup").doesNotContain("web_search");
        assertThat(sent.get("messages")).hasSize(1);
        assertThat(sent.at("/messages/0/content/0/text").asText()).isEqualTo("Read a.txt");
    }

    @Test
    void the_other_dialects_and_routes_are_unchanged_beside_it() throws IOException {
        try (Response r = server.gateway.post("/v1/chat/completions", Gateway.chat("gpt-4o", "Hi", null))) {
            assertThat(Gateway.json(r).get("object").asText()).isEqualTo("chat.completion");
        }
        try (Response r = server.gateway.http.newCall(new Request.Builder().url(server.gateway.baseUrl() + "/v1/responses")
                .method("OPTIONS", null).header("Origin", "http://example.com")
                .header("Access-Control-Request-Method", "POST").build()).execute()) {
            assertThat(r.code()).isEqualTo(204);
        }
    }
}
