package dev.e2bgateway.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;


import static dev.e2bgateway.fuzz.JsonValues.NODES;
import static dev.e2bgateway.fuzz.Shapes.fields;
import static dev.e2bgateway.fuzz.Shapes.literal;
import static dev.e2bgateway.fuzz.Shapes.object;
import static dev.e2bgateway.fuzz.Shapes.text;

/**
 * Chat completions requests (docs/wire.md) as a client may send them: every
 * message role, text and image parts, earlier tool calls and results, tools of every kind,
 * every {@code tool_choice} form, the deprecated {@code functions}, {@code response_format},
 * sampling and stream options. Most are valid; the mutations make them not.
 */
final class OpenAiRequests {

    private OpenAiRequests() {
    }

    static Gen<ObjectNode> requests() {
        Gen<JsonNode> messages = Gen.combine(message().list(4), user())
                .as((earlier, last) -> {
                    var array = JsonValues.array(earlier);
                    array.add(last);
                    return (JsonNode) array;
                });
        return Shapes.object(fields("model", Shapes.models(), "messages", messages), fields(
                "stream", Gen.of(true, false).map(NODES::booleanNode),
                "stream_options", object(fields(), fields("include_usage", Gen.of(true, false).map(NODES::booleanNode)), 0.8),
                "temperature", Gen.doubles(-0.5, 2.5).map(NODES::numberNode),
                "top_p", Gen.doubles(0, 1).map(NODES::numberNode),
                "top_k", Gen.ints(0, 100).map(NODES::numberNode),
                "frequency_penalty", Gen.doubles(-2, 2).map(NODES::numberNode),
                "presence_penalty", Gen.doubles(-2, 2).map(NODES::numberNode),
                "max_tokens", Gen.ints(0, 1_000_000).map(NODES::numberNode),
                "max_completion_tokens", Gen.ints(1, 200_000).map(NODES::numberNode),
                "n", Gen.of(1, 2).map(NODES::numberNode),
                "stop", Gen.oneOf(text(Shapes.messageText()), Shapes.messageText().list(5).map(l ->
                        JsonValues.array(l.stream().map(s -> (JsonNode) NODES.textNode(s)).toList()))),
                "tools", tool().list(4).map(JsonValues::array),
                "tool_choice", toolChoice(),
                "parallel_tool_calls", Gen.of(true, false).map(NODES::booleanNode),
                "functions", function().list(3).map(JsonValues::array),
                "function_call", Gen.oneOf(literal("\"none\"", "\"auto\"", "\"required\"", "{}"),
                        Shapes.toolNames().map(n -> (JsonNode) NODES.objectNode().put("name", n))),
                "response_format", responseFormat(),
                "user", text(JsonValues.strings()),
                "seed", JsonValues.numbers(),
                "logprobs", Gen.of(true, false).map(NODES::booleanNode)), 0.25).map(n -> (ObjectNode) n);
    }

    /** Parts of requests, used as replacement values by the mutations. */
    static Gen<JsonNode> parts() {
        return Gen.oneOf(message(), contentPart(), tool(), toolChoice(), toolCall(),
                responseFormat(), Shapes.schemas(), Shapes.models());
    }

    static Gen<JsonNode> message() {
        return Gen.frequency(
                Gen.w(4, user()),
                Gen.w(1, object(fields("role", literal("\"system\"", "\"developer\""), "content", content()), fields("name", text(JsonValues.strings())), 0.2)),
                Gen.w(2, object(fields("role", literal("\"assistant\"")), fields("content", content(), "tool_calls",
                        toolCall().list(3).map(JsonValues::array), "function_call", functionCallHistory()), 0.5)),
                Gen.w(1, object(fields("role", literal("\"tool\""), "content", content()),
                        fields("tool_call_id", literal("\"call_1\"", "\"call_2\"", "\"\"", "5")), 0.9)),
                Gen.w(1, object(fields("role", literal("\"function\""), "content", content()), fields("name", text(Shapes.toolNames())), 0.8)));
    }

    static Gen<JsonNode> user() {
        return object(fields("role", literal("\"user\""), "content", content()), fields("name", text(JsonValues.strings())), 0.1);
    }

    static Gen<JsonNode> content() {
        return Gen.oneOf(text(Shapes.messageText()), contentPart().list(3).map(JsonValues::array));
    }

    static Gen<JsonNode> contentPart() {
        Gen<JsonNode> url = literal("\"data:image/png;base64,iVBORw0KGgo=\"", "\"https://example.invalid/cat.png\"",
                "\"http://127.0.0.1:9/cat.png\"", "\"file:///etc/passwd\"", "\"data:text/plain;base64,aGk=\"", "\"\"", "\"DATA:IMAGE/PNG;base64,\"");
        return Gen.frequency(
                Gen.w(3, object(fields("type", literal("\"text\""), "text", text(Shapes.messageText())), fields(), 0)),
                Gen.w(2, object(fields("type", literal("\"image_url\""), "image_url", Gen.oneOf(url,
                        object(fields("url", url), fields("detail", literal("\"auto\"", "\"low\"", "\"high\"")), 0.5))), fields(), 0)),
                Gen.w(1, literal("{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"\",\"format\":\"wav\"}}", "{\"type\":\"file\"}",
                        "{\"type\":\"refusal\",\"refusal\":\"no\"}", "{\"text\":\"no type\"}")));
    }

    static Gen<JsonNode> toolCall() {
        Gen<JsonNode> arguments = Gen.oneOf(literal("\"{}\"", "\"{\\\"city\\\":\\\"Paris\\\",\\\"days\\\":3}\"", "\"not json\"",
                        "\"[1,2]\"", "\"\"", "{\"city\":\"Paris\"}", "\"{\\\"v\\\":\\\"</parameter>\\\"}\""),
                JsonValues.values().map(v -> NODES.textNode(v.toString())));
        return Gen.oneOf(
                object(fields("id", literal("\"call_1\"", "\"call_2\"", "\"\""), "type", literal("\"function\""),
                        "function", object(fields("name", text(Shapes.toolNames())), fields("arguments", arguments), 0.9)), fields(), 0),
                object(fields("id", literal("\"call_1\"", "\"call_2\""), "type", literal("\"custom\""),
                        "custom", object(fields("name", text(Shapes.toolNames())), fields("input", text(Shapes.messageText())), 0.9)), fields(), 0));
    }

    static Gen<JsonNode> functionCallHistory() {
        return object(fields("name", text(Shapes.toolNames())), fields("arguments", literal("\"{}\"", "\"{\\\"a\\\":1}\"", "\"x\"")), 0.8);
    }

    static Gen<JsonNode> function() {
        return object(fields("name", text(Shapes.toolNames())), fields("description", text(JsonValues.strings()),
                "parameters", Shapes.schemas()), 0.6);
    }

    static Gen<JsonNode> tool() {
        return Gen.frequency(
                Gen.w(5, object(fields("type", literal("\"function\""), "function", function()), fields(), 0)),
                Gen.w(1, object(fields("function", function()), fields(), 0)), // type left out
                Gen.w(2, object(fields("type", literal("\"custom\""), "custom", object(fields("name", text(Shapes.toolNames())),
                        fields("description", text(JsonValues.strings()), "format", literal("{\"type\":\"text\"}",
                                "{\"type\":\"grammar\",\"grammar\":{\"syntax\":\"lark\",\"definition\":\"start: /.+/\"}}")), 0.5)), fields(), 0)),
                Gen.w(1, literal("{\"type\":\"web_search_preview\"}", "{\"type\":\"file_search\",\"vector_store_ids\":[]}",
                        "{\"type\":\"code_interpreter\"}", "{\"type\":\"mcp\",\"server_label\":\"x\"}")));
    }

    static Gen<JsonNode> toolChoice() {
        Gen<JsonNode> name = text(Shapes.toolNames());
        return Gen.oneOf(
                literal("\"none\"", "\"auto\"", "\"required\"", "\"any\"", "\"\"", "{}", "{\"type\":\"function\"}",
                        "{\"type\":\"function\",\"function\":{}}", "{\"type\":\"custom\",\"custom\":{\"name\":\"  \"}}",
                        "{\"type\":\"bogus\"}", "{\"type\":\"allowed_tools\"}", "{\"type\":\"allowed_tools\",\"allowed_tools\":5}"),
                name.map(n -> NODES.objectNode().put("type", "function").set("function", NODES.objectNode().set("name", n))),
                name.map(n -> NODES.objectNode().put("type", "custom").set("custom", NODES.objectNode().set("name", n))),
                Gen.combine(Gen.of("auto", "required", "none", ""), name.list(3)).as((mode, names) -> {
                    ObjectNode allowed = NODES.objectNode().put("mode", mode);
                    var tools = allowed.putArray("tools");
                    names.forEach(n -> tools.addObject().put("type", "function").putObject("function").set("name", n));
                    return (JsonNode) NODES.objectNode().put("type", "allowed_tools").set("allowed_tools", allowed);
                }));
    }

    static Gen<JsonNode> responseFormat() {
        return Gen.oneOf(
                literal("{\"type\":\"text\"}", "{\"type\":\"json_object\"}", "{\"type\":\"json_schema\"}", "{\"type\":\"xml\"}", "\"json\"",
                        "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\"}}"),
                object(fields("type", literal("\"json_schema\""), "json_schema", object(fields("schema", Shapes.schemas()),
                        fields("name", text(JsonValues.strings()), "strict", Gen.of(true, false).map(NODES::booleanNode)), 0.7)),
                        fields(), 0));
    }

    /** Mutated requests: a valid one with some changes to its tree and maybe to its bytes. */
    static Gen<Input> mutated() {
        return Shapes.mutated(requests(), parts());
    }

    /** Valid-looking requests without mutations (most parse; some are refused for a reason in their content). */
    static Gen<Input> plain() {
        return Shapes.written(requests());
    }

    /**
     * Requests that are valid by the wire format (docs/wire.md): every one must
     * parse. Roles, text and text parts, tools with usable schemas, every tool_choice form that
     * names a declared tool, response formats, sampling and stream options.
     */
    static Gen<Input> valid() {
        Gen<JsonNode> text = text(Shapes.validText());
        Gen<JsonNode> content = Gen.oneOf(text, object(fields("type", literal("\"text\""), "text", text), fields(), 0).list(1, 3)
                .map(JsonValues::array));
        Gen<JsonNode> earlier = Gen.oneOf(
                object(fields("role", literal("\"system\"", "\"developer\"", "\"user\"", "\"assistant\""), "content", content), fields(), 0));
        Gen<JsonNode> last = object(fields("role", literal("\"user\""), "content", content), fields(), 0);
        Gen<JsonNode> messages = Gen.combine(earlier.list(4), last).as((e, l) -> {
            var array = JsonValues.array(e);
            array.add(l);
            return (JsonNode) array;
        });
        Gen<ObjectNode> base = Shapes.object(fields("model", Shapes.validModels(), "messages", messages), fields(
                "stream", Gen.of(true, false).map(NODES::booleanNode),
                "stream_options", literal("{\"include_usage\":true}", "{\"include_usage\":false}"),
                "temperature", Gen.doubles(0, 2).map(NODES::numberNode),
                "top_p", Gen.doubles(0, 1).map(NODES::numberNode),
                "max_tokens", Gen.ints(1, 100_000).map(NODES::numberNode),
                "max_completion_tokens", Gen.ints(1, 100_000).map(NODES::numberNode),
                "stop", Gen.oneOf(literal("\"END\""), literal("[\"a\",\"b\"]")),
                "response_format", Gen.oneOf(literal("{\"type\":\"text\"}", "{\"type\":\"json_object\"}"),
                        Shapes.validSchemas().map(schema -> (JsonNode) NODES.objectNode().put("type", "json_schema")
                                .set("json_schema", NODES.objectNode().put("name", "answer").set("schema", schema)))),
                "user", literal("\"u-1\""),
                "seed", Gen.ints(0, 1000).map(NODES::numberNode)), 0.3).map(n -> (ObjectNode) n);
        return Shapes.validWithTools(base, (tools, name, r) -> {
            ObjectNode function = tools.addObject().put("type", "function").putObject("function").put("name", name);
            if (r.nextBoolean()) function.put("description", "Does " + name + ".");
            function.set("parameters", Shapes.validSchemas().next(r));
        }, (request, forced, r) -> {
            switch (r.nextInt(5)) {
                case 0 -> request.put("tool_choice", Gen.of("none", "auto", "required").next(r));
                case 1 -> request.putObject("tool_choice").put("type", "function").putObject("function").put("name", forced);
                case 2 -> request.put("parallel_tool_calls", r.nextBoolean());
                default -> {
                }
            }
        });
    }
}
