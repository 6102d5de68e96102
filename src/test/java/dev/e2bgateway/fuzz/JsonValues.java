package dev.e2bgateway.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/** Arbitraries for JSON values and JSON-ish text: the raw material of the request fuzzers. */
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
    static Arbitrary<String> strings() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.strings().ascii().ofMaxLength(24)),
                Tuple.of(2, Arbitraries.strings().all().ofMaxLength(12)), // any char, lone surrogates included
                Tuple.of(1, Arbitraries.strings().withCharRange('\u4e00', '\u4e40').ofMaxLength(8)),
                Tuple.of(2, Arbitraries.of("", " ", "😀", "👩‍💻", "你好", "\u0000", "\ud83d", "\ude00", "\ufeff",
                        "\u2028", "é", "e\u0301", "</parameter>", "<tool_calls>", "<invoke name=\"x\">", "data:image/png;base64,iVBORw0KGgo=",
                        "data:text/plain;base64,aGk=", "https://example.invalid/cat.png", "http://127.0.0.1:9/x.png",
                        "file:///etc/passwd", "javascript:alert(1)", "image/png", "base64", "url", "text", "image", "image_url",
                        "tool_use", "tool_result", "function", "custom", "none", "auto", "required", "any", "tool", "user",
                        "assistant", "system", "developer", "json_schema", "json_object", "gpt-4o", "claude-sonnet-4-5-20250929")),
                Tuple.of(1, Arbitraries.of(FIELD_NAMES)));
    }

    /** Numbers of every shape: small, at the int and long limits, huge, tiny, fractional, negative zero. */
    static Arbitrary<JsonNode> numbers() {
        return Arbitraries.oneOf(
                Arbitraries.integers().map(NODES::numberNode),
                Arbitraries.longs().map(NODES::numberNode),
                Arbitraries.doubles().map(NODES::numberNode),
                Arbitraries.integers().between(-400, 400).map(e -> NODES.numberNode(e < 0 ? BigInteger.TEN.pow(-e).negate() : BigInteger.TEN.pow(e))),
                Arbitraries.of("1e400", "-1e400", "1e-400", "-0", "0.5", "1.0", "2.0000000001", "2147483648", "-2147483649",
                        "9223372036854775808", "1E+2", "0.0000001", "123456789012345678901234567890.5")
                        .map(s -> NODES.numberNode(new BigDecimal(s))));
    }

    static Arbitrary<JsonNode> leaves() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(NODES.nullNode())),
                Tuple.of(1, Arbitraries.of(true, false).map(NODES::booleanNode)),
                Tuple.of(2, numbers()),
                Tuple.of(4, strings().map(NODES::textNode)));
    }

    static Arbitrary<String> fieldNames() {
        return Arbitraries.oneOf(Arbitraries.of(FIELD_NAMES), strings());
    }

    /** Any JSON value, nested a few levels. */
    static Arbitrary<JsonNode> values() {
        return Arbitraries.recursive(JsonValues::leaves, inner -> Arbitraries.frequencyOf(
                Tuple.of(2, inner),
                Tuple.of(1, inner.list().ofMaxSize(4).map(JsonValues::array)),
                Tuple.of(1, Arbitraries.maps(fieldNames(), inner).ofMaxSize(4).map(JsonValues::object))), 0, 4);
    }

    /** A value nested {@code depth} levels deep, up to past Jackson's nesting limit (1000). */
    static Arbitrary<JsonNode> deep() {
        return Combinators.combine(Arbitraries.integers().between(1, 1100).withDistribution(
                        RandomDistribution.uniform()), Arbitraries.of("array", "object", "both"), leaves())
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
    static Arbitrary<JsonNode> longStrings() {
        return Combinators.combine(Arbitraries.integers().between(1_000, 50_000), Arbitraries.of("a", "😀", " ", "ab ", "\\", "你"))
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
    static Arbitrary<String> jsonishText() {
        Arbitrary<String> token = Arbitraries.oneOf(
                Arbitraries.of("{", "}", "[", "]", ":", ",", "\"", "\\", "\\u", "\\ud83d", "true", "false", "null", "-", "0", "1e999",
                        " ", "\n", "\ufeff", "\"model\"", "\"messages\"", "\"role\"", "\"content\"", "\"user\"", "\"gpt-4o\"",
                        "\"claude-sonnet-4-5-20250929\"", "\"max_tokens\"", "\"tools\"", "\"type\"", "/*", "*/", "//", "'", "NaN",
                        "Infinity", "\u0000", "😀"),
                strings().map(s -> "\"" + s + "\""));
        return token.list().ofMaxSize(60).map(list -> String.join("", list));
    }
}
