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
 * Messages requests (Anthropic's API) as a client may send them: text, image, tool_use,
 * tool_result and thinking blocks, a system prompt as a string or blocks, client and server
 * tools, every {@code tool_choice} form. Most are valid; the mutations make them not.
 */
final class AnthropicRequests {

    private AnthropicRequests() {
    }

    static Arbitrary<ObjectNode> requests() {
        Arbitrary<JsonNode> turns = Combinators.combine(user(), Combinators.combine(assistant(), user())
                        .as((a, u) -> JsonValues.array(java.util.List.of(a, u))).list().ofMaxSize(2))
                .as((first, pairs) -> {
                    var array = JsonValues.NODES.arrayNode().add(first);
                    pairs.forEach(array::addAll);
                    return (JsonNode) array;
                });
        return Shapes.object(fields("model", Shapes.models(), "messages", turns), fields(
                "max_tokens", Arbitraries.integers().between(0, 200_000).map(NODES::numberNode),
                "system", Arbitraries.oneOf(text(Shapes.messageText()), textBlock().list().ofMaxSize(2).map(JsonValues::array),
                        literal("[{\"type\":\"image\"}]", "5")),
                "temperature", Arbitraries.doubles().between(-0.2, 1.2).map(NODES::numberNode),
                "top_p", Arbitraries.doubles().between(0, 1).map(NODES::numberNode),
                "top_k", Arbitraries.integers().between(-1, 500).map(NODES::numberNode),
                "stop_sequences", Shapes.messageText().list().ofMaxSize(5).map(l ->
                        JsonValues.array(l.stream().map(s -> (JsonNode) NODES.textNode(s)).toList())),
                "stream", Arbitraries.of(true, false).map(NODES::booleanNode),
                "tools", tool().list().ofMaxSize(4).map(JsonValues::array),
                "tool_choice", toolChoice(),
                "metadata", literal("{\"user_id\":\"u-1\"}", "{}", "null"),
                "thinking", literal("{\"type\":\"enabled\",\"budget_tokens\":1024}", "{\"type\":\"disabled\"}")), 0.3)
                .map(n -> {
                    ObjectNode o = (ObjectNode) n;
                    if (!o.has("max_tokens")) o.put("max_tokens", 1024); // required, so mostly there
                    return o;
                });
    }

    static Arbitrary<JsonNode> parts() {
        return Arbitraries.oneOf(user(), assistant(), userBlock(), assistantBlock(), tool(), toolChoice(), Shapes.schemas(),
                Shapes.models(), imageSource());
    }

    static Arbitrary<JsonNode> user() {
        return object(fields("role", literal("\"user\""), "content", Arbitraries.oneOf(text(Shapes.messageText()),
                userBlock().list().ofMaxSize(3).map(JsonValues::array))), fields(), 0);
    }

    static Arbitrary<JsonNode> assistant() {
        return object(fields("role", literal("\"assistant\""), "content", Arbitraries.oneOf(text(Shapes.messageText()),
                assistantBlock().list().ofMaxSize(3).map(JsonValues::array))), fields(), 0);
    }

    static Arbitrary<JsonNode> textBlock() {
        return object(fields("type", literal("\"text\""), "text", text(Shapes.messageText())),
                fields("cache_control", literal("{\"type\":\"ephemeral\"}"), "citations", literal("[]", "null")), 0.2);
    }

    static Arbitrary<JsonNode> imageSource() {
        return Arbitraries.oneOf(
                object(fields("type", literal("\"base64\""), "media_type", literal("\"image/png\"", "\"image/jpeg\"", "\"text/plain\"", "\"\"", "5"),
                        "data", literal("\"iVBORw0KGgo=\"", "\"\"", "\"not base64!\"", "7")), fields(), 0),
                object(fields("type", literal("\"url\""), "url", literal("\"https://example.invalid/cat.png\"", "\"file:///etc/passwd\"",
                        "\"http://127.0.0.1:9/x.png\"", "5")), fields(), 0),
                literal("{\"type\":\"file\",\"file_id\":\"f\"}", "{}", "\"src\""));
    }

    static Arbitrary<JsonNode> userBlock() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, textBlock()),
                Tuple.of(2, object(fields("type", literal("\"image\""), "source", imageSource()), fields(), 0)),
                Tuple.of(2, object(fields("type", literal("\"tool_result\""), "tool_use_id", literal("\"toolu_1\"", "\"toolu_2\"", "\"\"", "5")),
                        fields("content", Arbitraries.oneOf(text(Shapes.messageText()), Arbitraries.oneOf(textBlock(),
                                        literal("{\"type\":\"image\",\"source\":{}}", "{}", "7")).list().ofMaxSize(3).map(JsonValues::array),
                                literal("5", "{}")),
                                "is_error", Arbitraries.of(true, false).map(NODES::booleanNode)), 0.7)),
                Tuple.of(1, literal("{\"type\":\"document\",\"source\":{}}", "{\"type\":\"search_result\"}", "{}", "\"text\"", "5",
                        "{\"type\":\"tool_use\",\"id\":\"toolu_9\",\"name\":\"run\",\"input\":{}}")));
    }

    static Arbitrary<JsonNode> assistantBlock() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, textBlock()),
                Tuple.of(3, object(fields("type", literal("\"tool_use\""), "id", literal("\"toolu_1\"", "\"toolu_2\""),
                        "name", text(Shapes.toolNames())), fields("input", Arbitraries.oneOf(
                        literal("{}", "{\"city\":\"Paris\",\"days\":3}", "null", "\"a string\"", "[1]"), JsonValues.values())), 0.9)),
                Tuple.of(1, literal("{\"type\":\"thinking\",\"thinking\":\"hm\",\"signature\":\"s\"}", "{\"type\":\"redacted_thinking\",\"data\":\"x\"}",
                        "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"web_search\",\"input\":{}}",
                        "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}}",
                        "{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\"}")));
    }

    static Arbitrary<JsonNode> tool() {
        return Arbitraries.frequencyOf(
                Tuple.of(5, object(fields("name", text(Shapes.toolNames())), fields("description", text(JsonValues.strings()),
                        "input_schema", Shapes.schemas(), "type", literal("\"custom\"")), 0.6)),
                Tuple.of(1, literal("{\"type\":\"web_search_20250305\",\"name\":\"web_search\",\"max_uses\":5}",
                        "{\"type\":\"bash_20250124\",\"name\":\"bash\"}", "{\"type\":\"text_editor_20250429\",\"name\":\"str_replace_based_edit_tool\"}",
                        "{\"type\":\"custom\"}", "{}", "5")));
    }

    static Arbitrary<JsonNode> toolChoice() {
        return Arbitraries.oneOf(
                literal("{\"type\":\"auto\"}", "{\"type\":\"any\"}", "{\"type\":\"none\"}", "{\"type\":\"tool\"}",
                        "{\"type\":\"tool\",\"name\":\"\"}", "{\"type\":\"tool\",\"name\":\"  \"}", "{\"type\":\"bogus\"}", "{}",
                        "\"auto\"", "{\"type\":\"auto\",\"disable_parallel_tool_use\":true}", "{\"type\":5}"),
                Shapes.toolNames().map(n -> NODES.objectNode().put("type", "tool").put("name", n)
                        .put("disable_parallel_tool_use", n.length() % 2 == 0)));
    }

    static Arbitrary<Input> mutated() {
        return Combinators.combine(requests(), Mutation.mutations(Mutation.replacements(parts())).list().ofMaxSize(3),
                        Arbitraries.of(JsonText.Style.class), Mutation.ByteEdit.edits())
                .as((request, mutations, style, edit) -> {
                    ObjectNode tree = request;
                    for (Mutation m : mutations) tree = m.applyTo(tree);
                    return new Input(edit.applyTo(JsonText.write(tree, style).getBytes(StandardCharsets.UTF_8)));
                });
    }

    static Arbitrary<Input> plain() {
        return Combinators.combine(requests(), Arbitraries.of(JsonText.Style.class))
                .as((request, style) -> Input.of(JsonText.write(request, style)));
    }
}
