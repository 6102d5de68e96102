package dev.e2bgateway.toolcalls;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.RunningGateway;
import dev.e2bgateway.support.Script;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tool calls over real HTTP through both front doors, both modes: the fake upstream writes the
 * contract's call format (docs/tool-calls.md) into {@code code}, split at awkward places,
 * and the client gets native calls.
 */
class ToolCallsApiTest {

    @RegisterExtension
    static final RunningGateway server = new RunningGateway();

    static final String WEATHER_TOOL = """
            {"type":"function","function":{"name":"get_weather","description":"Weather for a city.",
             "parameters":{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"},
             "metric":{"type":"boolean"},"hours":{"type":"array","items":{"type":"integer"}},
             "where":{"type":"object"}},"required":["city"]}}}""";
    static final String TIME_TOOL = """
            {"type":"function","function":{"name":"get_time","parameters":{"type":"object","properties":{"zone":{"type":"string"}}}}}""";
    static final String ANTHROPIC_TOOLS = """
            [{"name":"get_weather","description":"Weather for a city.","input_schema":{"type":"object",
              "properties":{"city":{"type":"string"},"days":{"type":"integer"},"metric":{"type":"boolean"},
              "hours":{"type":"array"},"where":{"type":"object"}},"required":["city"]}},
             {"name":"get_time","input_schema":{"type":"object","properties":{"zone":{"type":"string"}}}},
             {"type":"web_search_20250305","name":"web_search","max_uses":3},
             {"type":"bash_20250124","name":"bash"}]""";

    /** A tricky string value: quotes, backslashes, tags, an ampersand, newlines, accents and an emoji. */
    static final String CITY = "Saint-\u00c9tienne \"sud\" \\ <b> & 😀\nline two";

    static final String TWO_CALLS = "Let me check both.\n<tool_calls>\n<invoke name=\"get_weather\">\n"
            + "<parameter name=\"city\">" + CITY + "</parameter>\n<parameter name=\"days\">3</parameter>\n"
            + "<parameter name=\"metric\">true</parameter>\n<parameter name=\"hours\">[6, 12, 18]</parameter>\n"
            + "<parameter name=\"where\">{\"lat\": 45.4, \"lon\": 4.39}</parameter>\n</invoke>\n"
            + "<invoke name=\"get_time\">\n<parameter name=\"zone\">Europe/Paris</parameter>\n</invoke>\n</tool_calls>";

    static String openai(String extra) {
        return "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"}],\"tools\":[" + WEATHER_TOOL + ","
                + TIME_TOOL + ",{\"type\":\"web_search_preview\"}]" + (extra == null ? "" : "," + extra) + "}";
    }

    static String anthropic(String extra) {
        return "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":1000,\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"}],"
                + "\"tools\":" + ANTHROPIC_TOOLS + ",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},"
                + "\"context_management\":{\"edits\":[]},\"metadata\":{\"user_id\":\"u1\"}" + (extra == null ? "" : "," + extra) + "}";
    }

    static String post(String path, String body) throws IOException {
        try (Response r = server.gateway.post(path, body)) {
            String text = r.body().string();
            assertThat(r.code()).as(text).isEqualTo(200);
            return text;
        }
    }

    static void assertWeatherArguments(JsonNode args) {
        assertThat(args.get("city").asText()).isEqualTo(CITY);
        assertThat(args.get("days").isInt()).isTrue();
        assertThat(args.get("days").asInt()).isEqualTo(3);
        assertThat(args.get("metric").asBoolean()).isTrue();
        assertThat(args.get("hours").toString()).isEqualTo("[6,12,18]");
        assertThat(args.get("where").get("lat").asDouble()).isEqualTo(45.4);
    }

    @Test
    void openai_reply_carries_text_and_parallel_typed_calls() throws IOException {
        server.upstream.enqueue(Script.reply(TWO_CALLS));
        JsonNode choice = Gateway.json(post("/v1/chat/completions", openai(null))).at("/choices/0");
        assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
        JsonNode message = choice.get("message");
        assertThat(message.get("content").asText()).isEqualTo("Let me check both.\n");
        JsonNode calls = message.get("tool_calls");
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).get("id").asText()).startsWith("call_");
        assertThat(calls.get(0).get("id").asText()).isNotEqualTo(calls.get(1).get("id").asText());
        assertThat(calls.get(0).get("type").asText()).isEqualTo("function");
        assertThat(calls.get(0).at("/function/name").asText()).isEqualTo("get_weather");
        assertWeatherArguments(Gateway.json(calls.get(0).at("/function/arguments").asText()));
        assertThat(Gateway.json(calls.get(1).at("/function/arguments").asText()).get("zone").asText()).isEqualTo("Europe/Paris");

        JsonNode sent = server.upstream.takeRequest().body();
        String system = sent.at("/config/system").asText();
        assertThat(system).contains("### get_weather", "### get_time", "<tool_calls>").doesNotContain("web_search");
    }

    @Test
    void a_reply_that_is_only_calls_has_null_content() throws IOException {
        server.upstream.enqueue(Script.reply("<tool_calls>\n<invoke name=\"get_time\">\n<parameter name=\"zone\">UTC</parameter>\n</invoke>\n</tool_calls>"));
        JsonNode message = Gateway.json(post("/v1/chat/completions", openai(null))).at("/choices/0/message");
        assertThat(message.get("content").isNull()).isTrue();
        assertThat(message.get("tool_calls")).hasSize(1);
    }

    /** The stream's tool_calls deltas, rebuilt the way the SDKs' accumulators do. */
    record Rebuilt(String text, List<String> ids, List<String> names, List<String> arguments, String finish) {}

    static Rebuilt rebuildOpenAi(String sse) throws IOException {
        StringBuilder text = new StringBuilder();
        List<String> ids = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<StringBuilder> args = new ArrayList<>();
        String finish = null;
        boolean first = true;
        for (String data : Gateway.events(sse)) {
            if (data.equals("[DONE]")) continue;
            JsonNode chunk = Gateway.json(data);
            JsonNode choice = chunk.at("/choices/0");
            if (choice.isMissingNode()) continue;
            JsonNode delta = choice.get("delta");
            if (first) {
                assertThat(delta.get("role").asText()).as("the first chunk says the role").isEqualTo("assistant");
                first = false;
            }
            if (delta.hasNonNull("content")) text.append(delta.get("content").asText());
            for (JsonNode call : delta.path("tool_calls")) {
                int index = call.get("index").asInt();
                if (call.has("id")) {
                    assertThat(index).as("calls arrive in order").isEqualTo(ids.size());
                    ids.add(call.get("id").asText());
                    assertThat(call.get("type").asText()).isEqualTo("function");
                    names.add(call.at("/function/name").asText());
                    args.add(new StringBuilder());
                }
                args.get(index).append(call.at("/function/arguments").asText(""));
            }
            if (choice.hasNonNull("finish_reason")) finish = choice.get("finish_reason").asText();
        }
        return new Rebuilt(text.toString(), ids, names, args.stream().map(StringBuilder::toString).toList(), finish);
    }

    @Test
    void openai_stream_rebuilds_the_same_calls_at_every_chunking() throws IOException {
        String body = Fragments.json("Checking.", TWO_CALLS);
        for (int size = 1; size <= 17; size++) {
            server.upstream.enqueue(Script.ok(body).splitEvery(size));
            Rebuilt r = rebuildOpenAi(post("/v1/chat/completions", openai("\"stream\":true")));
            assertThat(r.text()).as("chunks of %d", size).isEqualTo("Let me check both.\n");
            assertThat(r.names()).as("chunks of %d", size).containsExactly("get_weather", "get_time");
            assertThat(r.ids()).allMatch(id -> id.startsWith("call_"));
            assertWeatherArguments(Gateway.json(r.arguments().get(0)));
            assertThat(r.finish()).isEqualTo("tool_calls");
            server.upstream.takeRequest();
        }
    }

    @Test
    void openai_stream_keeps_a_split_multibyte_character_of_a_value_whole() throws IOException {
        String body = Fragments.json("c", TWO_CALLS);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        int emoji = body.substring(0, body.indexOf("😀")).getBytes(StandardCharsets.UTF_8).length;
        for (int cut = emoji + 1; cut < emoji + 4; cut++) {
            server.upstream.enqueue(Script.bytes(List.of(java.util.Arrays.copyOfRange(bytes, 0, cut),
                    java.util.Arrays.copyOfRange(bytes, cut, bytes.length))));
            Rebuilt r = rebuildOpenAi(post("/v1/chat/completions", openai("\"stream\":true")));
            assertWeatherArguments(Gateway.json(r.arguments().get(0)));
            server.upstream.takeRequest();
        }
    }

    @Test
    void anthropic_reply_has_tool_use_blocks_and_stop_reason_tool_use() throws IOException {
        server.upstream.enqueue(Script.reply(TWO_CALLS.replace("<parameter name=\"metric\">true</parameter>\n", "")
                .replace("<parameter name=\"hours\">[6, 12, 18]</parameter>\n", "")
                .replace("<parameter name=\"where\">{\"lat\": 45.4, \"lon\": 4.39}</parameter>\n", "")));
        JsonNode message = Gateway.json(post("/v1/messages", anthropic(null)));
        assertThat(message.get("stop_reason").asText()).isEqualTo("tool_use");
        JsonNode content = message.get("content");
        assertThat(content).hasSize(3);
        assertThat(content.get(0).get("type").asText()).isEqualTo("text");
        assertThat(content.get(1).get("type").asText()).isEqualTo("tool_use");
        assertThat(content.get(1).get("id").asText()).startsWith("toolu_");
        assertThat(content.get(1).get("name").asText()).isEqualTo("get_weather");
        assertThat(content.get(1).at("/input/city").asText()).isEqualTo(CITY);
        assertThat(content.get(1).at("/input/days").asInt()).isEqualTo(3);
        assertThat(content.get(2).at("/input/zone").asText()).isEqualTo("Europe/Paris");
        String system = server.upstream.takeRequest().body().at("/config/system").asText();
        assertThat(system).contains("### get_weather").doesNotContain("web_search", "### bash");
    }

    @Test
    void anthropic_stream_has_a_block_per_call_with_input_json_deltas() throws IOException {
        for (int size : new int[]{1, 3, 7, 64}) {
            server.upstream.enqueue(Script.ok(Fragments.json("c", TWO_CALLS)).splitEvery(size));
            String sse = post("/v1/messages", anthropic("\"stream\":true"));
            List<String> names = new ArrayList<>();
            List<JsonNode> blocks = new ArrayList<>();
            List<StringBuilder> inputs = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            String stopReason = null;
            int open = -1;
            for (String frame : sse.split("\n\n")) {
                if (frame.isBlank()) continue;
                String name = frame.substring(7, frame.indexOf('\n'));
                JsonNode data = Gateway.json(frame.substring(frame.indexOf("data: ") + 6));
                names.add(name);
                switch (name) {
                    case "content_block_start" -> {
                        assertThat(open).as("blocks do not overlap").isEqualTo(-1);
                        open = data.get("index").asInt();
                        assertThat(open).as("indexes count up").isEqualTo(blocks.size());
                        blocks.add(data.get("content_block"));
                        inputs.add(new StringBuilder());
                    }
                    case "content_block_delta" -> {
                        assertThat(data.get("index").asInt()).isEqualTo(open);
                        JsonNode delta = data.get("delta");
                        if (delta.get("type").asText().equals("text_delta")) text.append(delta.get("text").asText());
                        else inputs.get(open).append(delta.get("partial_json").asText());
                    }
                    case "content_block_stop" -> {
                        assertThat(data.get("index").asInt()).isEqualTo(open);
                        open = -1;
                    }
                    case "message_delta" -> stopReason = data.at("/delta/stop_reason").asText();
                    default -> { }
                }
            }
            assertThat(names.get(0)).isEqualTo("message_start");
            assertThat(names.subList(1, 3)).containsExactly("content_block_start", "ping");
            assertThat(names.get(names.size() - 1)).isEqualTo("message_stop");
            assertThat(text.toString()).isEqualTo("Let me check both.\n");
            assertThat(blocks).hasSize(3);
            assertThat(blocks.get(1).get("type").asText()).isEqualTo("tool_use");
            assertThat(blocks.get(1).get("id").asText()).startsWith("toolu_");
            assertWeatherArguments(Gateway.json(inputs.get(1).toString()));
            assertThat(Gateway.json(inputs.get(2).toString()).get("zone").asText()).isEqualTo("Europe/Paris");
            assertThat(stopReason).isEqualTo("tool_use");
            server.upstream.takeRequest();
        }
    }

    @Test
    void openai_history_goes_upstream_in_the_call_format_with_ids_kept() throws IOException {
        String body = "{\"model\":\"gpt-4o\",\"tools\":[" + WEATHER_TOOL + "],\"messages\":["
                + "{\"role\":\"user\",\"content\":\"Weather in Paris?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_abc123\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\",\\\"days\\\":2}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_abc123\",\"content\":[{\"type\":\"text\",\"text\":\"18 °C, sunny\"}]}]}";
        post("/v1/chat/completions", body);
        JsonNode messages = server.upstream.takeRequest().body().get("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.at("/1/role").asText()).isEqualTo("assistant");
        assertThat(messages.at("/1/content/0/text").asText()).contains("<tool_calls>", "<invoke name=\"get_weather\" id=\"call_abc123\">",
                "<parameter name=\"city\">Paris</parameter>", "<parameter name=\"days\">2</parameter>");
        assertThat(messages.at("/2/role").asText()).isEqualTo("user");
        assertThat(messages.at("/2/content/0/text").asText()).contains("<tool_results>",
                "<result call_id=\"call_abc123\" name=\"get_weather\">", "18 °C, sunny");
    }

    @Test
    void anthropic_history_with_tool_use_and_tool_results_goes_upstream() throws IOException {
        String body = "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":100,\"tools\":" + ANTHROPIC_TOOLS + ",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"Weather?\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"thinking\",\"thinking\":\"hmm\",\"signature\":\"x\"},"
                + "{\"type\":\"text\",\"text\":\"Checking.\"},"
                + "{\"type\":\"tool_use\",\"id\":\"toolu_01\",\"name\":\"get_weather\",\"input\":{\"city\":\"Oslo\"}},"
                + "{\"type\":\"tool_use\",\"id\":\"toolu_02\",\"name\":\"get_time\",\"input\":{}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_01\",\"content\":\"-3 °C\","
                + "\"cache_control\":{\"type\":\"ephemeral\"}},"
                + "{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_02\",\"is_error\":true,"
                + "\"content\":[{\"type\":\"text\",\"text\":\"clock broken\"}]},{\"type\":\"text\",\"text\":\"Go on.\"}]}]}";
        post("/v1/messages", body);
        JsonNode messages = server.upstream.takeRequest().body().get("messages");
        String assistant = messages.at("/1/content/0/text").asText();
        assertThat(assistant).startsWith("Checking.").contains("<invoke name=\"get_weather\" id=\"toolu_01\">",
                "<parameter name=\"city\">Oslo</parameter>", "<invoke name=\"get_time\" id=\"toolu_02\">").doesNotContain("hmm");
        String results = messages.at("/2/content/0/text").asText();
        assertThat(results).contains("<result call_id=\"toolu_01\" name=\"get_weather\">", "-3 °C",
                "<result call_id=\"toolu_02\" name=\"get_time\" error=\"true\">", "clock broken");
        assertThat(messages.at("/2/content/1/text").asText()).isEqualTo("Go on.");
    }

    @Test
    void the_deprecated_functions_api_gets_a_function_call() throws IOException {
        server.upstream.enqueue(Script.reply("<tool_calls>\n<invoke name=\"get_time\">\n<parameter name=\"zone\">UTC</parameter>\n</invoke>\n</tool_calls>"));
        String body = "{\"model\":\"gpt-4o\",\"functions\":[{\"name\":\"get_time\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"zone\":{\"type\":\"string\"}}}}],\"messages\":[{\"role\":\"user\",\"content\":\"Time?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"function_call\":{\"name\":\"get_time\",\"arguments\":\"{}\"}},"
                + "{\"role\":\"function\",\"name\":\"get_time\",\"content\":\"12:00\"}]}";
        JsonNode choice = Gateway.json(post("/v1/chat/completions", body)).at("/choices/0");
        assertThat(choice.get("finish_reason").asText()).isEqualTo("function_call");
        assertThat(choice.at("/message/function_call/name").asText()).isEqualTo("get_time");
        assertThat(Gateway.json(choice.at("/message/function_call/arguments").asText()).get("zone").asText()).isEqualTo("UTC");
        assertThat(choice.at("/message").has("tool_calls")).isFalse();
        String upstream = server.upstream.takeRequest().body().get("messages").toString();
        assertThat(upstream).contains("name=\\\"get_time\\\"", "12:00");
    }

    @Test
    void a_custom_tool_gets_its_raw_input() throws IOException {
        server.upstream.enqueue(Script.reply("<tool_calls>\n<invoke name=\"apply_patch\">\n<parameter name=\"input\">\n*** Begin Patch\n"
                + "--- a/x \"q\"\n*** End Patch\n</parameter>\n</invoke>\n</tool_calls>"));
        String body = "{\"model\":\"gpt-4o\",\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"apply_patch\","
                + "\"description\":\"Apply a patch.\"}}],\"messages\":[{\"role\":\"user\",\"content\":\"Fix it\"}]}";
        JsonNode call = Gateway.json(post("/v1/chat/completions", body)).at("/choices/0/message/tool_calls/0");
        assertThat(call.get("type").asText()).isEqualTo("custom");
        assertThat(call.at("/custom/name").asText()).isEqualTo("apply_patch");
        assertThat(call.at("/custom/input").asText()).isEqualTo("*** Begin Patch\n--- a/x \"q\"\n*** End Patch");
    }

    @Test
    void a_block_that_is_no_valid_call_comes_back_as_text_and_is_counted() throws IOException {
        String bad = "Trying.\n<tool_calls>\n<invoke name=\"launch_rocket\">\n<parameter name=\"when\">now</parameter>\n</invoke>\n</tool_calls>";
        server.upstream.enqueue(Script.reply(bad));
        JsonNode choice = Gateway.json(post("/v1/chat/completions", openai(null))).at("/choices/0");
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(choice.at("/message/content").asText()).isEqualTo(bad);
        assertThat(choice.at("/message").has("tool_calls")).isFalse();
        try (Response r = server.gateway.get("/metrics")) {
            assertThat(r.body().string()).containsPattern("gateway_tool_blocks_as_text_total\\{reason=\"unknown_tool\"} [1-9]");
        }
    }

    @Test
    void tool_choice_none_offers_no_tool_and_a_written_block_stays_text() throws IOException {
        String block = "<tool_calls>\n<invoke name=\"get_time\">\n</invoke>\n</tool_calls>";
        server.upstream.enqueue(Script.reply(block));
        JsonNode message = Gateway.json(post("/v1/chat/completions", openai("\"tool_choice\":\"none\""))).at("/choices/0/message");
        assertThat(message.get("content").asText()).isEqualTo(block);
        assertThat(server.upstream.takeRequest().body().at("/config/system").asText()).contains("No tools are available")
                .doesNotContain("### get_time");
    }

    @Test
    void a_named_choice_says_so_and_one_that_names_no_tool_is_a_400() throws IOException {
        post("/v1/chat/completions", openai("\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}},\"parallel_tool_calls\":false"));
        String system = server.upstream.takeRequest().body().at("/config/system").asText();
        assertThat(system).contains("must call the tool get_time").doesNotContain("### get_weather");
        try (Response r = server.gateway.post("/v1/chat/completions", openai("\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"nope\"}}"))) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(Gateway.json(r).at("/error/param").asText()).isEqualTo("tool_choice");
        }
        try (Response r = server.gateway.post("/v1/messages", anthropic("\"tool_choice\":{\"type\":\"tool\",\"name\":\"nope\"}"))) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(Gateway.json(r).at("/error/type").asText()).isEqualTo("invalid_request_error");
        }
        server.upstream.assertNoRequest();
    }

    @Test
    void required_without_a_call_returns_the_text_as_it_is() throws IOException {
        server.upstream.enqueue(Script.reply("I would rather just say hello."));
        JsonNode choice = Gateway.json(post("/v1/chat/completions", openai("\"tool_choice\":\"required\""))).at("/choices/0");
        assertThat(choice.at("/message/content").asText()).isEqualTo("I would rather just say hello.");
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void a_coding_agents_request_fits_and_the_added_prompt_is_measured() throws IOException {
        JsonNode agentTools;
        try (InputStream in = ToolCallsApiTest.class.getResourceAsStream("/dev/e2bgateway/tools/agent-tools.json")) {
            agentTools = Gateway.json(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        String system = "You are a coding agent. ".repeat(1300); // ~31,000 characters
        String body = "{\"model\":\"gpt-4o\",\"tools\":" + agentTools + ",\"messages\":[{\"role\":\"system\",\"content\":"
                + Gateway.quote(system) + "},{\"role\":\"user\",\"content\":\"Read README.md\"}],\"stream\":true}";
        server.upstream.enqueue(Script.reply("<tool_calls>\n<invoke name=\"Read\">\n<parameter name=\"file_path\">/repo/README.md</parameter>\n</invoke>\n</tool_calls>"));
        Rebuilt r = rebuildOpenAi(post("/v1/chat/completions", body));
        assertThat(r.names()).containsExactly("Read");
        String sent = server.upstream.takeRequest().body().at("/config/system").asText();
        int added = sent.length() - system.length();
        System.out.printf("agent request: %d tools, client system %d chars, tools JSON %d chars, gateway prompt adds %d chars%n",
                agentTools.size(), system.length(), agentTools.toString().length(), added);
        assertThat(sent).endsWith(system);
        assertThat(added).as("the tool listing stays smaller than the tools JSON the client sent").isLessThan(agentTools.toString().length());
    }
}
