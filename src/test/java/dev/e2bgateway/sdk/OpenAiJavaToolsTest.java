package dev.e2bgateway.sdk;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.InternalServerException;
import com.openai.errors.OpenAIException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionCustomTool;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageCustomToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.chat.completions.StructuredChatCompletion;
import com.openai.models.chat.completions.StructuredChatCompletionCreateParams;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.RunningGateway;
import dev.e2bgateway.support.Script;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.e2bgateway.sdk.ModelReplies.TWO_CALLS;
import static dev.e2bgateway.sdk.ModelReplies.WEATHER_CALL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tool calls and structured output through the official openai-java SDK: what its typed model
 * classes, its stream accumulator and its structured-output helpers make of the gateway's replies,
 * and what the upstream is sent when the SDK hands the calls and their results back.
 */
class OpenAiJavaToolsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final RunningGateway server = new RunningGateway();
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        client = OpenAiJava.clientFor(server.gateway).build();
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    private static FunctionDefinition function(String name, String description, String schema) {
        try {
            Map<String, Object> tree = JSON.readValue(schema, new TypeReference<LinkedHashMap<String, Object>>() { });
            FunctionParameters.Builder parameters = FunctionParameters.builder();
            tree.forEach((k, v) -> parameters.putAdditionalProperty(k, JsonValue.from(v)));
            return FunctionDefinition.builder().name(name).description(description).parameters(parameters.build()).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static final FunctionDefinition GET_WEATHER = function("get_weather", "Weather forecast for a city.", """
            {"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer","minimum":1}},
             "required":["city"],"additionalProperties":false}""");
    static final FunctionDefinition GET_TIME = function("get_time", "Current time in a zone.", """
            {"type":"object","properties":{"zone":{"type":"string"}},"required":["zone"]}""");
    static final FunctionDefinition WRITE_FILE = function("write_file", "Writes a file.", """
            {"type":"object","properties":{"path":{"type":"string"},"content":{"type":"string"}},"required":["path","content"]}""");

    private static ChatCompletionCreateParams.Builder weatherParams() {
        return ChatCompletionCreateParams.builder().model("gpt-4o")
                .addUserMessage("What is the weather in Paris?")
                .addFunctionTool(GET_WEATHER)
                .addFunctionTool(GET_TIME);
    }

    private static List<ChatCompletionMessageFunctionToolCall> functionCalls(ChatCompletion completion) {
        return completion.choices().get(0).message().toolCalls().orElseThrow().stream()
                .map(ChatCompletionMessageToolCall::asFunction).toList();
    }

    private static JsonNode arguments(ChatCompletionMessageFunctionToolCall call) throws Exception {
        return JSON.readTree(call.function().arguments());
    }

    private static ChatCompletion stream(ChatCompletionCreateParams params, List<ChatCompletionChunk> chunks) {
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> {
                chunks.add(chunk);
                accumulator.accumulate(chunk);
            });
        }
        return accumulator.chatCompletion();
    }

    @Test
    void a_call_comes_back_as_a_typed_function_tool_call_and_its_result_goes_upstream() throws Exception {
        server.upstream.enqueue(Script.reply(WEATHER_CALL));
        ChatCompletion completion = client.chat().completions().create(weatherParams().build());

        ChatCompletion.Choice choice = completion.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(choice.message().content()).hasValueSatisfying(c -> assertThat(c.strip()).isEqualTo("Let me check."));
        ChatCompletionMessageFunctionToolCall call = functionCalls(completion).get(0);
        assertThat(functionCalls(completion)).hasSize(1);
        assertThat(call.id()).startsWith("call_");
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(arguments(call)).isEqualTo(JSON.readTree("{\"city\":\"Paris\",\"days\":3}"));
        String offered = server.upstream.takeRequest().body().toString();
        assertThat(offered).as("the tools are described to the model").contains("get_weather").contains("get_time");

        // The agent loop's second turn: the SDK's own message back, then the tool's result.
        server.upstream.enqueue(Script.reply("It is 18 °C and sunny in Paris."));
        ChatCompletion answer = client.chat().completions().create(weatherParams()
                .addMessage(choice.message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("18 °C, sunny").build())
                .build());
        assertThat(answer.choices().get(0).message().content()).hasValue("It is 18 °C and sunny in Paris.");
        assertThat(answer.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(answer.choices().get(0).message().toolCalls().orElse(List.of())).isEmpty();

        List<String> sent = ModelReplies.messages(server.upstream.takeRequest().body());
        assertThat(sent).hasSize(3);
        assertThat(sent.get(0)).isEqualTo("user: What is the weather in Paris?");
        assertThat(sent.get(1)).startsWith("assistant: Let me check.").contains("<tool_calls>\n<invoke name=\"get_weather\" id=\""
                + call.id() + "\">\n<parameter name=\"city\">Paris</parameter>\n<parameter name=\"days\">3</parameter>\n</invoke>\n</tool_calls>");
        assertThat(sent.get(2)).isEqualTo("user: <tool_results>\n<result call_id=\"" + call.id()
                + "\" name=\"get_weather\">\n18 °C, sunny\n</result>\n</tool_results>");
    }

    @Test
    void the_stream_accumulator_rebuilds_the_same_call() throws Exception {
        server.upstream.enqueue(Script.reply(WEATHER_CALL).splitEvery(7));
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        ChatCompletion rebuilt = stream(weatherParams().build(), chunks);

        ChatCompletion.Choice choice = rebuilt.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(choice.message().content()).hasValueSatisfying(c -> assertThat(c.strip()).isEqualTo("Let me check."));
        List<ChatCompletionMessageFunctionToolCall> calls = functionCalls(rebuilt);
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).id()).startsWith("call_");
        assertThat(calls.get(0).function().name()).isEqualTo("get_weather");
        assertThat(arguments(calls.get(0))).isEqualTo(JSON.readTree("{\"city\":\"Paris\",\"days\":3}"));
        assertThat(chunks).as("the call arrives as deltas, not in one piece with the end")
                .filteredOn(c -> !c.choices().isEmpty() && c.choices().get(0).delta().toolCalls().isPresent()).hasSizeGreaterThan(1);
        assertThat(chunks).allSatisfy(c -> assertThat(c.id()).isEqualTo(rebuilt.id()));
    }

    @Test
    void two_parallel_calls_keep_their_order_and_distinct_ids_in_both_modes() throws Exception {
        server.upstream.enqueue(Script.reply(TWO_CALLS));
        ChatCompletion created = client.chat().completions().create(weatherParams().build());
        server.upstream.enqueue(Script.reply(TWO_CALLS).splitEvery(5));
        ChatCompletion streamed = stream(weatherParams().build(), new ArrayList<>());

        for (ChatCompletion completion : List.of(created, streamed)) {
            assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
            assertThat(completion.choices().get(0).message().content()).isEmpty();
            List<ChatCompletionMessageFunctionToolCall> calls = functionCalls(completion);
            assertThat(calls).extracting(c -> c.function().name()).containsExactly("get_weather", "get_time");
            assertThat(arguments(calls.get(0))).isEqualTo(JSON.readTree("{\"city\":\"Paris\"}"));
            assertThat(arguments(calls.get(1))).isEqualTo(JSON.readTree("{\"zone\":\"Europe/Paris\"}"));
            assertThat(calls).extracting(ChatCompletionMessageFunctionToolCall::id).allMatch(id -> id.startsWith("call_")).doesNotHaveDuplicates();
        }
        server.upstream.takeRequest();
        server.upstream.takeRequest();

        // Both results back, the second call's first: upstream they follow the calls' order, each with its call's id.
        List<ChatCompletionMessageFunctionToolCall> calls = functionCalls(streamed);
        server.upstream.enqueue(Script.reply("Sunny, and it is noon."));
        client.chat().completions().create(weatherParams()
                .addMessage(streamed.choices().get(0).message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(calls.get(1).id()).content("12:00").build())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(calls.get(0).id()).content("sunny").build())
                .build());
        String sent = String.join("\n", ModelReplies.messages(server.upstream.takeRequest().body()));
        assertThat(sent).contains("<invoke name=\"get_weather\" id=\"" + calls.get(0).id() + "\">\n<parameter name=\"city\">Paris</parameter>\n</invoke>\n"
                + "<invoke name=\"get_time\" id=\"" + calls.get(1).id() + "\">\n<parameter name=\"zone\">Europe/Paris</parameter>\n</invoke>");
        assertThat(sent).containsSubsequence(
                "<result call_id=\"" + calls.get(0).id() + "\" name=\"get_weather\">\nsunny\n</result>",
                "<result call_id=\"" + calls.get(1).id() + "\" name=\"get_time\">\n12:00\n</result>");
    }

    /** Parameters of every JSON type; the SDK derives the tool's schema from this class. */
    public static class Configure {
        @JsonPropertyDescription("A ratio between 0 and 1")
        public double ratio;
        @JsonProperty("dry_run")
        public boolean dryRun;
        public List<String> tags;
        public Limits limits;
        public String label;
    }

    public static class Limits {
        public int cpu;
        public String memory;
    }

    @Test
    void typed_parameters_arrive_as_json_values_the_sdk_can_bind_to_its_class() throws Exception {
        String reply = "<tool_calls>\n<invoke name=\"Configure\">\n"
                + "<parameter name=\"ratio\">0.75</parameter>\n"
                + "<parameter name=\"dry_run\">true</parameter>\n"
                + "<parameter name=\"tags\">[\"a\", \"b c\"]</parameter>\n"
                + "<parameter name=\"limits\">{\"cpu\": 2, \"memory\": \"512Mi\"}</parameter>\n"
                + "<parameter name=\"label\">42</parameter>\n"
                + "</invoke>\n</tool_calls>";
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gpt-4o")
                .addUserMessage("Configure it.").addTool(Configure.class).build();
        server.upstream.enqueue(Script.reply(reply));
        ChatCompletion created = client.chat().completions().create(params);
        server.upstream.enqueue(Script.reply(reply).splitEvery(3));
        ChatCompletion streamed = stream(params, new ArrayList<>());

        for (ChatCompletion completion : List.of(created, streamed)) {
            ChatCompletionMessageFunctionToolCall call = functionCalls(completion).get(0);
            assertThat(call.function().name()).isEqualTo("Configure");
            assertThat(arguments(call)).isEqualTo(JSON.readTree(
                    "{\"ratio\":0.75,\"dry_run\":true,\"tags\":[\"a\",\"b c\"],\"limits\":{\"cpu\":2,\"memory\":\"512Mi\"},\"label\":\"42\"}"));
            Configure bound = call.function().arguments(Configure.class);
            assertThat(bound.ratio).isEqualTo(0.75);
            assertThat(bound.dryRun).isTrue();
            assertThat(bound.tags).containsExactly("a", "b c");
            assertThat(bound.limits.cpu).isEqualTo(2);
            assertThat(bound.limits.memory).isEqualTo("512Mi");
            assertThat(bound.label).as("a string parameter stays text even when it looks like a number").isEqualTo("42");
        }
    }

    @Test
    void string_values_keep_unicode_quotes_backslashes_and_markup_exactly() throws Exception {
        String content = "He said \"héllo\" — 你好 😀\n\tpath: C:\\temp\\new\n<b>&amp;</b> </invoke> {\"json\": true}";
        String reply = "Writing it.\n<tool_calls>\n<invoke name=\"write_file\">\n"
                + "<parameter name=\"path\">notes/ünïcödé \"quoted\".txt</parameter>\n"
                + "<parameter name=\"content\">\n" + content + "\n</parameter>\n</invoke>\n</tool_calls>";
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gpt-4o")
                .addUserMessage("Save my notes.").addFunctionTool(WRITE_FILE).build();
        server.upstream.enqueue(Script.ok(Fragments.jsonAsciiEscaped("c", reply)));
        ChatCompletion created = client.chat().completions().create(params);
        server.upstream.enqueue(Script.ok(Fragments.jsonAsciiEscaped("c", reply)).splitEvery(3));
        ChatCompletion streamed = stream(params, new ArrayList<>());

        for (ChatCompletion completion : List.of(created, streamed)) {
            JsonNode args = arguments(functionCalls(completion).get(0));
            assertThat(args.get("path").asText()).isEqualTo("notes/ünïcödé \"quoted\".txt");
            assertThat(args.get("content").asText()).isEqualTo(content);
        }

        // Sent back, the values reach the model as written, not JSON-escaped a second time.
        server.upstream.takeRequest();
        server.upstream.takeRequest();
        ChatCompletionMessage message = streamed.choices().get(0).message();
        server.upstream.enqueue(Script.reply("Saved."));
        client.chat().completions().create(params.toBuilder().addMessage(message)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(message.toolCalls().get().get(0).asFunction().id())
                        .content("wrote 1 file: \"ünïcödé\" <ok>").build()).build());
        String sent = String.join("\n", ModelReplies.messages(server.upstream.takeRequest().body()));
        assertThat(sent).contains("<parameter name=\"path\">notes/ünïcödé \"quoted\".txt</parameter>")
                .contains("<parameter name=\"content\">\n" + content + "\n</parameter>")
                .contains("name=\"write_file\">\nwrote 1 file: \"ünïcödé\" <ok>\n</result>");
    }

    /**
     * A custom tool (free-form text input) comes back as a typed custom call. Streamed, the call is
     * a {@code tool_calls} delta of type {@code custom} with {@code custom.name} / {@code custom.input},
     * the shape api.openai.com streams (openai/openai-openapi#576); openai-java 4.101.0 models only
     * function deltas, so it keeps {@code custom} as an additional property, and its
     * ChatCompletionAccumulator cannot rebuild such a call ("Tool call chunk missing function.").
     */
    @Test
    void a_custom_tool_call_comes_back_with_its_raw_input() {
        String input = "*** Begin Patch\n*** Update File: a.py\n-print(\"old\")\n+print(\"new\") # <ok> & done\n*** End Patch";
        String reply = "<tool_calls>\n<invoke name=\"apply_patch\">\n<parameter name=\"input\">\n" + input
                + "\n</parameter>\n</invoke>\n</tool_calls>";
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("Patch it.")
                .addCustomTool(ChatCompletionCustomTool.Custom.builder().name("apply_patch").description("Applies a V4A patch.").build())
                .build();
        server.upstream.enqueue(Script.reply(reply));
        ChatCompletion created = client.chat().completions().create(params);
        assertThat(created.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessageCustomToolCall call = created.choices().get(0).message().toolCalls().orElseThrow().get(0).asCustom();
        assertThat(call.id()).startsWith("call_");
        assertThat(call.custom().name()).isEqualTo("apply_patch");
        assertThat(call.custom().input()).isEqualTo(input);

        server.upstream.enqueue(Script.reply(reply).splitEvery(6));
        StringBuilder streamedInput = new StringBuilder();
        List<String> names = new ArrayList<>();
        List<String> types = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().flatMap(c -> c.choices().stream()).flatMap(c -> c.delta().toolCalls().stream()).flatMap(List::stream)
                    .forEach(delta -> {
                        delta.type().ifPresent(t -> types.add(t.asString()));
                        Map<String, String> custom = delta._additionalProperties().get("custom")
                                .convert(new TypeReference<Map<String, String>>() { });
                        if (custom.containsKey("name")) names.add(custom.get("name"));
                        streamedInput.append(custom.get("input"));
                    });
        }
        assertThat(types).containsExactly("custom");
        assertThat(names).containsExactly("apply_patch");
        assertThat(streamedInput.toString()).isEqualTo(input);
    }

    /** A structured-output class: the SDK derives a strict JSON schema from it and binds the reply to it. */
    public static class Forecast {
        public String city;
        @JsonPropertyDescription("Temperature in °C")
        public double temperature;
        public List<String> conditions;
    }

    private static StructuredChatCompletionCreateParams<Forecast> forecastParams() {
        return ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("Forecast for Paris?")
                .responseFormat(Forecast.class).build();
    }

    @Test
    void structured_output_binds_a_valid_reply_to_the_class_in_both_modes() {
        String reply = "{\"city\": \"Paris\", \"temperature\": 18.5, \"conditions\": [\"sunny\", \"windy\"]}";
        server.upstream.enqueue(Script.reply(reply));
        StructuredChatCompletion<Forecast> created = client.chat().completions().create(forecastParams());
        Forecast forecast = created.choices().get(0).message().content().orElseThrow();
        assertThat(forecast.city).isEqualTo("Paris");
        assertThat(forecast.temperature).isEqualTo(18.5);
        assertThat(forecast.conditions).containsExactly("sunny", "windy");
        JsonNode format = server.upstream.takeRequest().body();
        assertThat(format.toString()).as("the schema reaches the model").contains("temperature").contains("conditions");

        server.upstream.enqueue(Script.reply("```json\n" + reply + "\n```").splitEvery(4));
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(forecastParams())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        Forecast streamed = accumulator.chatCompletion(Forecast.class).choices().get(0).message().content().orElseThrow();
        assertThat(streamed.city).isEqualTo("Paris");
        assertThat(streamed.conditions).containsExactly("sunny", "windy");
    }

    @Test
    void a_reply_that_does_not_match_the_schema_is_an_error_not_an_object() {
        String wrong = "{\"city\": \"Paris\", \"temperature\": \"warm\"}";
        server.upstream.enqueue(Script.reply(wrong));
        assertThatThrownBy(() -> client.chat().completions().create(forecastParams()))
                .isInstanceOfSatisfying(InternalServerException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(502);
                    assertThat(e.code()).hasValue("invalid_model_output");
                })
                .hasMessageContaining("does not match the schema");

        server.upstream.enqueue(Script.reply(wrong).splitEvery(4));
        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(forecastParams())) {
                stream.stream().forEach(chunk -> { });
            }
        }).isInstanceOf(OpenAIException.class).hasMessageContaining("does not match the schema");
    }
}
