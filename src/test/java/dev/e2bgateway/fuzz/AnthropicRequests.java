package dev.e2bgateway.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;


import static dev.e2bgateway.fuzz.JsonValues.NODES;
import static dev.e2bgateway.fuzz.Shapes.fields;
import static dev.e2bgateway.fuzz.Shapes.literal;
import static dev.e2bgateway.fuzz.Shapes.object;
import static dev.e2bgateway.fuzz.Shapes.text;

/**
 * Messages requests (Anthropic's API) as a client may send them: text, image, tool_use,
 * tool_result and thinking blocks, a system prompt as a string or blocks, client and server
 * tools, every {@code tool_choice} form. Most are valid; the mutations make them not.
 */
final class AnthropicRequests {

    private AnthropicRequests() {
    }

    static Gen<ObjectNode> requests() {
        Gen<JsonNode> turns = Gen.combine(user(), Gen.combine(assistant(), user())
                        .as((a, u) -> JsonValues.array(java.util.List.of(a, u))).list(2))
                .as((first, pairs) -> {
                    var array = JsonValues.NODES.arrayNode().add(first);
                    pairs.forEach(array::addAll);
                    return (JsonNode) array;
                });
        return Shapes.object(fields("model", Shapes.models(), "messages", turns), fields(
                "max_tokens", Gen.ints(0, 200_000).map(NODES::numberNode),
                "system", Gen.oneOf(text(Shapes.messageText()), textBlock().list(2).map(JsonValues::array),
                        literal("[{\"type\":\"image\"}]", "5")),
                "temperature", Gen.doubles(-0.2, 1.2).map(NODES::numberNode),
                "top_p", Gen.doubles(0, 1).map(NODES::numberNode),
                "top_k", Gen.ints(-1, 500).map(NODES::numberNode),
                "stop_sequences", Shapes.messageText().list(5).map(l ->
                        JsonValues.array(l.stream().map(s -> (JsonNode) NODES.textNode(s)).toList())),
                "stream", Gen.of(true, false).map(NODES::booleanNode),
                "tools", tool().list(4).map(JsonValues::array),
                "tool_choice", toolChoice(),
                "metadata", literal("{\"user_id\":\"u-1\"}", "{}", "null"),
                "thinking", literal("{\"type\":\"enabled\",\"budget_tokens\":1024}", "{\"type\":\"disabled\"}")), 0.3)
                .map(n -> {
                    ObjectNode o = (ObjectNode) n;
                    if (!o.has("max_tokens")) o.put("max_tokens", 1024); // required, so mostly there
                    return o;
                });
    }

    static Gen<JsonNode> parts() {
        return Gen.oneOf(user(), assistant(), userBlock(), assistantBlock(), tool(), toolChoice(), Shapes.schemas(),
                Shapes.models(), imageSource());
    }

    static Gen<JsonNode> user() {
        return object(fields("role", literal("\"user\""), "content", Gen.oneOf(text(Shapes.messageText()),
                userBlock().list(3).map(JsonValues::array))), fields(), 0);
    }

    static Gen<JsonNode> assistant() {
        return object(fields("role", literal("\"assistant\""), "content", Gen.oneOf(text(Shapes.messageText()),
                assistantBlock().list(3).map(JsonValues::array))), fields(), 0);
    }

    static Gen<JsonNode> textBlock() {
        return object(fields("type", literal("\"text\""), "text", text(Shapes.messageText())),
                fields("cache_control", literal("{\"type\":\"ephemeral\"}"), "citations", literal("[]", "null")), 0.2);
    }

    static Gen<JsonNode> imageSource() {
        return Gen.oneOf(
                object(fields("type", literal("\"base64\""), "media_type", literal("\"image/png\"", "\"image/jpeg\"", "\"text/plain\"", "\"\"", "5"),
                        "data", literal("\"iVBORw0KGgo=\"", "\"\"", "\"not base64!\"", "7")), fields(), 0),
                object(fields("type", literal("\"url\""), "url", literal("\"https://example.invalid/cat.png\"", "\"file:///etc/passwd\"",
                        "\"http://127.0.0.1:9/x.png\"", "5")), fields(), 0),
                literal("{\"type\":\"file\",\"file_id\":\"f\"}", "{}", "\"src\""));
    }

    static Gen<JsonNode> userBlock() {
        return Gen.frequency(
                Gen.w(4, textBlock()),
                Gen.w(2, object(fields("type", literal("\"image\""), "source", imageSource()), fields(), 0)),
                Gen.w(2, object(fields("type", literal("\"tool_result\""), "tool_use_id", literal("\"toolu_1\"", "\"toolu_2\"", "\"\"", "5")),
                        fields("content", Gen.oneOf(text(Shapes.messageText()), Gen.oneOf(textBlock(),
                                        literal("{\"type\":\"image\",\"source\":{}}", "{}", "7")).list(3).map(JsonValues::array),
                                literal("5", "{}")),
                                "is_error", Gen.of(true, false).map(NODES::booleanNode)), 0.7)),
                Gen.w(1, literal("{\"type\":\"document\",\"source\":{}}", "{\"type\":\"search_result\"}", "{}", "\"text\"", "5",
                        "{\"type\":\"tool_use\",\"id\":\"toolu_9\",\"name\":\"run\",\"input\":{}}")));
    }

    static Gen<JsonNode> assistantBlock() {
        return Gen.frequency(
                Gen.w(3, textBlock()),
                Gen.w(3, object(fields("type", literal("\"tool_use\""), "id", literal("\"toolu_1\"", "\"toolu_2\""),
                        "name", text(Shapes.toolNames())), fields("input", Gen.oneOf(
                        literal("{}", "{\"city\":\"Paris\",\"days\":3}", "null", "\"a string\"", "[1]"), JsonValues.values())), 0.9)),
                Gen.w(1, literal("{\"type\":\"thinking\",\"thinking\":\"hm\",\"signature\":\"s\"}", "{\"type\":\"redacted_thinking\",\"data\":\"x\"}",
                        "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"web_search\",\"input\":{}}",
                        "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}}",
                        "{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\"}")));
    }

    static Gen<JsonNode> tool() {
        return Gen.frequency(
                Gen.w(5, object(fields("name", text(Shapes.toolNames())), fields("description", text(JsonValues.strings()),
                        "input_schema", Shapes.schemas(), "type", literal("\"custom\"")), 0.6)),
                Gen.w(1, literal("{\"type\":\"web_search_20250305\",\"name\":\"web_search\",\"max_uses\":5}",
                        "{\"type\":\"bash_20250124\",\"name\":\"bash\"}", "{\"type\":\"text_editor_20250429\",\"name\":\"str_replace_based_edit_tool\"}",
                        "{\"type\":\"custom\"}", "{}", "5")));
    }

    static Gen<JsonNode> toolChoice() {
        return Gen.oneOf(
                literal("{\"type\":\"auto\"}", "{\"type\":\"any\"}", "{\"type\":\"none\"}", "{\"type\":\"tool\"}",
                        "{\"type\":\"tool\",\"name\":\"\"}", "{\"type\":\"tool\",\"name\":\"  \"}", "{\"type\":\"bogus\"}", "{}",
                        "\"auto\"", "{\"type\":\"auto\",\"disable_parallel_tool_use\":true}", "{\"type\":5}"),
                Shapes.toolNames().map(n -> NODES.objectNode().put("type", "tool").put("name", n)
                        .put("disable_parallel_tool_use", n.length() % 2 == 0)));
    }

    static Gen<Input> mutated() {
        return Shapes.mutated(requests(), parts());
    }

    static Gen<Input> plain() {
        return Shapes.written(requests());
    }

    /** Requests that are valid by the Messages API: every one must parse. */
    static Gen<Input> valid() {
        Gen<JsonNode> text = text(Shapes.validText());
        Gen<JsonNode> textBlocks = object(fields("type", literal("\"text\""), "text", text), fields(), 0).list(1, 3).map(JsonValues::array);
        Gen<JsonNode> user = object(fields("role", literal("\"user\""), "content", Gen.oneOf(text, textBlocks)), fields(), 0);
        Gen<JsonNode> assistant = object(fields("role", literal("\"assistant\""), "content", Gen.oneOf(text, textBlocks)), fields(), 0);
        Gen<JsonNode> turns = r -> {
            var array = NODES.arrayNode().add(user.next(r));
            for (int i = r.nextInt(3); i > 0; i--) array.add(assistant.next(r)).add(user.next(r));
            return array;
        };
        Gen<ObjectNode> base = Shapes.object(fields("model", Shapes.validModels(), "messages", turns,
                "max_tokens", Gen.ints(1, 64_000).map(NODES::numberNode)), fields(
                "system", Gen.oneOf(text, textBlocks),
                "temperature", Gen.doubles(0, 1).map(NODES::numberNode),
                "top_p", Gen.doubles(0, 1).map(NODES::numberNode),
                "top_k", Gen.ints(1, 500).map(NODES::numberNode),
                "stop_sequences", literal("[\"END\"]", "[]"),
                "stream", Gen.of(true, false).map(NODES::booleanNode),
                "metadata", literal("{\"user_id\":\"u-1\"}")), 0.3).map(n -> (ObjectNode) n);
        return Shapes.validWithTools(base, (tools, name, r) -> {
            ObjectNode tool = tools.addObject().put("name", name);
            if (r.nextBoolean()) tool.put("description", "Does " + name + ".");
            tool.set("input_schema", Shapes.validSchemas().next(r));
        }, (request, forced, r) -> {
            switch (r.nextInt(4)) {
                case 0 -> request.putObject("tool_choice").put("type", Gen.of("auto", "any", "none").next(r));
                case 1 -> request.putObject("tool_choice").put("type", "tool").put("name", forced)
                        .put("disable_parallel_tool_use", r.nextBoolean());
                default -> {
                }
            }
        });
    }
}
