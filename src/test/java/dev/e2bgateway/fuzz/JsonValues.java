package dev.e2bgateway.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/** Generators of JSON values and JSON-ish text: the raw material of the request fuzzers. */
final class JsonValues {

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Field names of both APIs' requests, so random objects often hit a field the parsers read. */
    static final List<String> FIELD_NAMES = List.of("model", "messages", "role", "content", "type", "text", "image_url",
            "url", "detail", "tool_calls", "function", "name", "arguments", "tool_call_id", "tools", "tool_choice",
            "parallel_tool_calls", "functions", "function_call", "response_format", "json_schema", "schema", "strict",
            "stream", "stream_options", "include_usage", "temperature", "top_p", "top_k", "n", "max_tokens",
            "max_completion_tokens", "stop", "frequency_penalty", "presence_penalty", "system", "stop_sequences",
            "source", "media_type", "data", "input", "input_schema", "tool_use_id", "is_error", "id", "custom",
            "allowed_tools", "mode", "disable_parallel_tool_use", "metadata", "thinking", "parameters", "description",
            "properties", "required", "$ref", "$defs", "items", "anyOf", "user", "seed", "logprobs", "code", "commentary");

    private JsonValues() {
    }

    /** Strings that matter to the parsers or to text handling: empty, unicode, half surrogates, tags, URLs. */
    static Gen<String> strings() {
        return Gen.frequency(
                Gen.w(3, Gen.ascii(24)),
                Gen.w(2, Gen.anyChars(12)), // any char, lone surrogates included
                Gen.w(1, Gen.chars('\u4e00', '\u4e40', 8)),
                Gen.w(2, Gen.of("", " ", "😀", "👩‍💻", "你好", "\u0000", "\ud83d", "\ude00", "\ufeff",
                        "\u2028", "é", "e\u0301", "</parameter>", "<tool_calls>", "<invoke name=\"x\">", "data:image/png;base64,iVBORw0KGgo=",
                        "data:text/plain;base64,aGk=", "https://example.invalid/cat.png", "http://127.0.0.1:9/x.png",
                        "file:///etc/passwd", "javascript:alert(1)", "image/png", "base64", "url", "text", "image", "image_url",
                        "tool_use", "tool_result", "function", "custom", "none", "auto", "required", "any", "tool", "user",
                        "assistant", "system", "developer", "json_schema", "json_object", "gpt-4o", "claude-sonnet-4-5-20250929")),
                Gen.w(1, Gen.of(FIELD_NAMES)));
    }

    /** Numbers of every shape: small, at the int and long limits, huge, tiny, fractional, negative zero. */
    static Gen<JsonNode> numbers() {
        return Gen.oneOf(
                Gen.anyInt().map(NODES::numberNode),
                Gen.anyLong().map(NODES::numberNode),
                Gen.anyDouble().map(NODES::numberNode),
                Gen.ints(-400, 400).map(e -> NODES.numberNode(e < 0 ? BigInteger.TEN.pow(-e).negate() : BigInteger.TEN.pow(e))),
                Gen.of("1e400", "-1e400", "1e-400", "-0", "0.5", "1.0", "2.0000000001", "2147483648", "-2147483649",
                        "9223372036854775808", "1E+2", "0.0000001", "123456789012345678901234567890.5")
                        .map(s -> NODES.numberNode(new BigDecimal(s))));
    }

    static Gen<JsonNode> leaves() {
        return Gen.frequency(
                Gen.w(1, Gen.just(NODES.nullNode())),
                Gen.w(1, Gen.of(true, false).map(NODES::booleanNode)),
                Gen.w(2, numbers()),
                Gen.w(4, strings().map(NODES::textNode)));
    }

    static Gen<String> fieldNames() {
        return Gen.oneOf(Gen.of(FIELD_NAMES), strings());
    }

    /** Any JSON value, nested a few levels. */
    static Gen<JsonNode> values() {
        return r -> values(r.nextInt(5)).next(r);
    }

    private static Gen<JsonNode> values(int depth) {
        if (depth == 0) return leaves();
        Gen<JsonNode> inner = values(depth - 1);
        return Gen.frequency(
                Gen.w(2, inner),
                Gen.w(1, inner.list(4).map(JsonValues::array)),
                Gen.w(1, Gen.maps(fieldNames(), inner, 4).map(JsonValues::object)));
    }

    /** A value nested {@code depth} levels deep, up to past Jackson's nesting limit (1000). */
    static Gen<JsonNode> deep() {
        return Gen.combine(Gen.ints(1, 1100), Gen.of("array", "object", "both"), leaves())
                .as((depth, kind, leaf) -> {
                    JsonNode node = leaf;
                    for (int i = 0; i < depth; i++) {
                        boolean array = kind.equals("array") || kind.equals("both") && i % 2 == 0;
                        node = array ? NODES.arrayNode().add(node) : NODES.objectNode().set(i % 3 == 0 ? "properties" : "type", node);
                    }
                    return node;
                });
    }

    /** A long string: big bodies and long runs without a space, which token counters find hard. */
    static Gen<JsonNode> longStrings() {
        return Gen.combine(Gen.ints(1_000, 50_000), Gen.of("a", "😀", " ", "ab ", "\\", "你"))
                .as((n, unit) -> NODES.textNode(unit.repeat(n / unit.length())));
    }

    static ArrayNode array(List<JsonNode> items) {
        ArrayNode a = NODES.arrayNode();
        items.forEach(a::add);
        return a;
    }

    static ObjectNode object(Map<String, JsonNode> fields) {
        ObjectNode o = NODES.objectNode();
        fields.forEach(o::set);
        return o;
    }

    /** Text built from JSON's tokens and a few others: mostly not JSON, often close to it. */
    static Gen<String> jsonishText() {
        Gen<String> token = Gen.oneOf(
                Gen.of("{", "}", "[", "]", ":", ",", "\"", "\\", "\\u", "\\ud83d", "true", "false", "null", "-", "0", "1e999",
                        " ", "\n", "\ufeff", "\"model\"", "\"messages\"", "\"role\"", "\"content\"", "\"user\"", "\"gpt-4o\"",
                        "\"claude-sonnet-4-5-20250929\"", "\"max_tokens\"", "\"tools\"", "\"type\"", "/*", "*/", "//", "'", "NaN",
                        "Infinity", "\u0000", "😀"),
                strings().map(s -> "\"" + s + "\""));
        return token.list(60).map(list -> String.join("", list));
    }
}
