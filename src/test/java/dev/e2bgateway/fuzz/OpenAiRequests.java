package dev.e2bgateway.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.nio.charset.StandardCharsets;

import static dev.e2bgateway.fuzz.JsonValues.NODES;
import static dev.e2bgateway.fuzz.Shapes.fields;
import static dev.e2bgateway.fuzz.Shapes.literal;
import static dev.e2bgateway.fuzz.Shapes.object;
import static dev.e2bgateway.fuzz.Shapes.text;

/**
 * Chat completions requests (shared/docs/openai-wire.md) as a client may send them: every
 * message role, text and image parts, earlier tool calls and results, tools of every kind,
 * every {@code tool_choice} form, the deprecated {@code functions}, {@code response_format},
 * sampling and stream options. Most are valid; the mutations make them not.
 */
final class OpenAiRequests {

    private OpenAiRequests() {
    }

    static Arbitrary<ObjectNode> requests() {
        Arbitrary<JsonNode> messages = Combinators.combine(message().list().ofMaxSize(4), user())
                .as((earlier, last) -> {
                    var array = JsonValues.array(earlier);
                    array.add(last);
                    return (JsonNode) array;
                });
        return Shapes.object(fields("model", Shapes.models(), "messages", messages), fields(
                "stream", Arbitraries.of(true, false).map(NODES::booleanNode),
                "stream_options", object(fields(), fields("include_usage", Arbitraries.of(true, false).map(NODES::booleanNode)), 0.8),
                "temperature", Arbitraries.doubles().between(-0.5, 2.5).map(NODES::numberNode),
                "top_p", Arbitraries.doubles().between(0, 1).map(NODES::numberNode),
                "top_k", Arbitraries.integers().between(0, 100).map(NODES::numberNode),
                "frequency_penalty", Arbitraries.doubles().between(-2, 2).map(NODES::numberNode),
                "presence_penalty", Arbitraries.doubles().between(-2, 2).map(NODES::numberNode),
                "max_tokens", Arbitraries.integers().between(0, 1_000_000).map(NODES::numberNode),
                "max_completion_tokens", Arbitraries.integers().between(1, 200_000).map(NODES::numberNode),
                "n", Arbitraries.of(1, 2).map(NODES::numberNode),
                "stop", Arbitraries.oneOf(text(Shapes.messageText()), Shapes.messageText().list().ofMaxSize(5).map(l ->
                        JsonValues.array(l.stream().map(s -> (JsonNode) NODES.textNode(s)).toList()))),
                "tools", tool().list().ofMaxSize(4).map(JsonValues::array),
                "tool_choice", toolChoice(),
                "parallel_tool_calls", Arbitraries.of(true, false).map(NODES::booleanNode),
                "functions", function().list().ofMaxSize(3).map(JsonValues::array),
                "function_call", Arbitraries.oneOf(literal("\"none\"", "\"auto\"", "\"required\"", "{}"),
                        Shapes.toolNames().map(n -> (JsonNode) NODES.objectNode().put("name", n))),
                "response_format", responseFormat(),
                "user", text(JsonValues.strings()),
                "seed", JsonValues.numbers(),
                "logprobs", Arbitraries.of(true, false).map(NODES::booleanNode)), 0.25).map(n -> (ObjectNode) n);
    }

    /** Parts of requests, used as replacement values by the mutations. */
    static Arbitrary<JsonNode> parts() {
        return Arbitraries.oneOf(message(), contentPart(), tool(), toolChoice(), toolCall(),
                responseFormat(), Shapes.schemas(), Shapes.models());
    }

    static Arbitrary<JsonNode> message() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, user()),
                Tuple.of(1, object(fields("role", literal("\"system\"", "\"developer\""), "content", content()), fields("name", text(JsonValues.strings())), 0.2)),
                Tuple.of(2, object(fields("role", literal("\"assistant\"")), fields("content", content(), "tool_calls",
                        toolCall().list().ofMaxSize(3).map(JsonValues::array), "function_call", functionCallHistory()), 0.5)),
                Tuple.of(1, object(fields("role", literal("\"tool\""), "content", content()),
                        fields("tool_call_id", literal("\"call_1\"", "\"call_2\"", "\"\"", "5")), 0.9)),
                Tuple.of(1, object(fields("role", literal("\"function\""), "content", content()), fields("name", text(Shapes.toolNames())), 0.8)));
    }

    static Arbitrary<JsonNode> user() {
        return object(fields("role", literal("\"user\""), "content", content()), fields("name", text(JsonValues.strings())), 0.1);
    }

    static Arbitrary<JsonNode> content() {
        return Arbitraries.oneOf(text(Shapes.messageText()), contentPart().list().ofMaxSize(3).map(JsonValues::array));
    }

    static Arbitrary<JsonNode> contentPart() {
        Arbitrary<JsonNode> url = literal("\"data:image/png;base64,iVBORw0KGgo=\"", "\"https://example.invalid/cat.png\"",
                "\"http://127.0.0.1:9/cat.png\"", "\"file:///etc/passwd\"", "\"data:text/plain;base64,aGk=\"", "\"\"", "\"DATA:IMAGE/PNG;base64,\"");
        return Arbitraries.frequencyOf(
                Tuple.of(3, object(fields("type", literal("\"text\""), "text", text(Shapes.messageText())), fields(), 0)),
                Tuple.of(2, object(fields("type", literal("\"image_url\""), "image_url", Arbitraries.oneOf(url,
                        object(fields("url", url), fields("detail", literal("\"auto\"", "\"low\"", "\"high\"")), 0.5))), fields(), 0)),
                Tuple.of(1, literal("{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"\",\"format\":\"wav\"}}", "{\"type\":\"file\"}",
                        "{\"type\":\"refusal\",\"refusal\":\"no\"}", "{\"text\":\"no type\"}")));
    }

    static Arbitrary<JsonNode> toolCall() {
        Arbitrary<JsonNode> arguments = Arbitraries.oneOf(literal("\"{}\"", "\"{\\\"city\\\":\\\"Paris\\\",\\\"days\\\":3}\"", "\"not json\"",
                        "\"[1,2]\"", "\"\"", "{\"city\":\"Paris\"}", "\"{\\\"v\\\":\\\"</parameter>\\\"}\""),
                JsonValues.values().map(v -> NODES.textNode(v.toString())));
        return Arbitraries.oneOf(
                object(fields("id", literal("\"call_1\"", "\"call_2\"", "\"\""), "type", literal("\"function\""),
                        "function", object(fields("name", text(Shapes.toolNames())), fields("arguments", arguments), 0.9)), fields(), 0),
                object(fields("id", literal("\"call_1\"", "\"call_2\""), "type", literal("\"custom\""),
                        "custom", object(fields("name", text(Shapes.toolNames())), fields("input", text(Shapes.messageText())), 0.9)), fields(), 0));
    }

    static Arbitrary<JsonNode> functionCallHistory() {
        return object(fields("name", text(Shapes.toolNames())), fields("arguments", literal("\"{}\"", "\"{\\\"a\\\":1}\"", "\"x\"")), 0.8);
    }

    static Arbitrary<JsonNode> function() {
        return object(fields("name", text(Shapes.toolNames())), fields("description", text(JsonValues.strings()),
                "parameters", Shapes.schemas()), 0.6);
    }

    static Arbitrary<JsonNode> tool() {
        return Arbitraries.frequencyOf(
                Tuple.of(5, object(fields("type", literal("\"function\""), "function", function()), fields(), 0)),
                Tuple.of(1, object(fields("function", function()), fields(), 0)), // type left out
                Tuple.of(2, object(fields("type", literal("\"custom\""), "custom", object(fields("name", text(Shapes.toolNames())),
                        fields("description", text(JsonValues.strings()), "format", literal("{\"type\":\"text\"}",
                                "{\"type\":\"grammar\",\"grammar\":{\"syntax\":\"lark\",\"definition\":\"start: /.+/\"}}")), 0.5)), fields(), 0)),
                Tuple.of(1, literal("{\"type\":\"web_search_preview\"}", "{\"type\":\"file_search\",\"vector_store_ids\":[]}",
                        "{\"type\":\"code_interpreter\"}", "{\"type\":\"mcp\",\"server_label\":\"x\"}")));
    }

    static Arbitrary<JsonNode> toolChoice() {
        Arbitrary<JsonNode> name = text(Shapes.toolNames());
        return Arbitraries.oneOf(
                literal("\"none\"", "\"auto\"", "\"required\"", "\"any\"", "\"\"", "{}", "{\"type\":\"function\"}",
                        "{\"type\":\"function\",\"function\":{}}", "{\"type\":\"custom\",\"custom\":{\"name\":\"  \"}}",
                        "{\"type\":\"bogus\"}", "{\"type\":\"allowed_tools\"}", "{\"type\":\"allowed_tools\",\"allowed_tools\":5}"),
                name.map(n -> NODES.objectNode().put("type", "function").set("function", NODES.objectNode().set("name", n))),
                name.map(n -> NODES.objectNode().put("type", "custom").set("custom", NODES.objectNode().set("name", n))),
                Combinators.combine(Arbitraries.of("auto", "required", "none", ""), name.list().ofMaxSize(3)).as((mode, names) -> {
                    ObjectNode allowed = NODES.objectNode().put("mode", mode);
                    var tools = allowed.putArray("tools");
                    names.forEach(n -> tools.addObject().put("type", "function").putObject("function").set("name", n));
                    return (JsonNode) NODES.objectNode().put("type", "allowed_tools").set("allowed_tools", allowed);
                }));
    }

    static Arbitrary<JsonNode> responseFormat() {
        return Arbitraries.oneOf(
                literal("{\"type\":\"text\"}", "{\"type\":\"json_object\"}", "{\"type\":\"json_schema\"}", "{\"type\":\"xml\"}", "\"json\"",
                        "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\"}}"),
                object(fields("type", literal("\"json_schema\""), "json_schema", object(fields("schema", Shapes.schemas()),
                        fields("name", text(JsonValues.strings()), "strict", Arbitraries.of(true, false).map(NODES::booleanNode)), 0.7)),
                        fields(), 0));
    }

    /** Mutated requests: a valid one with some changes to its tree and maybe to its bytes. */
    static Arbitrary<Input> mutated() {
        return Combinators.combine(requests(), Mutation.mutations(Mutation.replacements(parts())).list().ofMaxSize(3),
                        Arbitraries.of(JsonText.Style.class), Mutation.ByteEdit.edits())
                .as((request, mutations, style, edit) -> {
                    ObjectNode tree = request;
                    for (Mutation m : mutations) tree = m.applyTo(tree);
                    return new Input(edit.applyTo(JsonText.write(tree, style).getBytes(StandardCharsets.UTF_8)));
                });
    }

    /** Valid-looking requests without mutations (most parse; some are refused for a reason in their content). */
    static Arbitrary<Input> plain() {
        return Combinators.combine(requests(), Arbitraries.of(JsonText.Style.class))
                .as((request, style) -> Input.of(JsonText.write(request, style)));
    }
}
