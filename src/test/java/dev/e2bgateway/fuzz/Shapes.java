package dev.e2bgateway.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.e2bgateway.App;
import dev.e2bgateway.models.ModelCatalog;
import dev.e2bgateway.models.ModelSpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Building blocks shared by both dialects' request generators. */
final class Shapes {

    static final ObjectMapper JSON = App.objectMapper();

    /** The built-in catalog's ids, multimodal and not, routed and not. */
    static final List<String> MODELS = new ModelCatalog(JSON).load(null).all().stream().map(ModelSpec::id).toList();

    static final List<String> TOOL_NAMES = List.of("get_weather", "run", "save_note");

    private Shapes() {
    }

    /** An object with the required fields always and each optional one with probability {@code present}. */
    static Arbitrary<JsonNode> object(Map<String, Arbitrary<? extends JsonNode>> required,
                                        Map<String, Arbitrary<? extends JsonNode>> optional, double present) {
        List<String> names = new ArrayList<>();
        List<Arbitrary<JsonNode>> values = new ArrayList<>();
        required.forEach((name, a) -> {
            names.add(name);
            values.add(a.map(n -> (JsonNode) n));
        });
        optional.forEach((name, a) -> {
            names.add(name);
            values.add(a.map(n -> (JsonNode) n).injectNull(1 - present));
        });
        return Combinators.combine(values).as(list -> {
            ObjectNode o = JsonValues.NODES.objectNode();
            for (int i = 0; i < list.size(); i++) if (list.get(i) != null) o.set(names.get(i), list.get(i));
            return (JsonNode) o;
        });
    }

    static Map<String, Arbitrary<? extends JsonNode>> fields(Object... pairs) {
        Map<String, Arbitrary<? extends JsonNode>> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            @SuppressWarnings("unchecked") Arbitrary<? extends JsonNode> a = (Arbitrary<? extends JsonNode>) pairs[i + 1];
            map.put((String) pairs[i], a);
        }
        return map;
    }

    static Arbitrary<JsonNode> text(Arbitrary<String> s) {
        return s.map(JsonValues.NODES::textNode);
    }

    static Arbitrary<JsonNode> literal(String... json) {
        return Arbitraries.of(json).map(Shapes::parse);
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Arbitrary<JsonNode> models() {
        return Arbitraries.frequencyOf(Tuple.of(20, Arbitraries.of(MODELS)),
                Tuple.of(1, Arbitraries.of("no-such-model", "GPT-4O", "gpt-4o ", "models/", "/")))
                .map(JsonValues.NODES::textNode);
    }

    static Arbitrary<String> toolNames() {
        return Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.of(TOOL_NAMES)),
                Tuple.of(1, Arbitraries.of("", " ", "名前", "a\"b</invoke>", "x".repeat(300))));
    }

    /** Message text: mostly plain, sometimes with the tool-call tags or odd unicode in it. */
    static Arbitrary<String> messageText() {
        return JsonValues.strings();
    }

    /** Parameter schemas and response schemas: plain ones, and ones a validator may choke on. */
    static Arbitrary<JsonNode> schemas() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, literal(
                        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"days\":{\"type\":\"integer\"}},\"required\":[\"city\"]}",
                        "{}",
                        "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"},\"n\":{\"type\":\"integer\"}},\"additionalProperties\":false}",
                        "{\"type\":\"object\",\"properties\":{\"a\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}}}")),
                Tuple.of(2, literal(
                        "{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/$defs/A\"}},\"$defs\":{\"A\":{\"$ref\":\"#/$defs/A\"}}}",
                        "{\"$ref\":\"#\"}",
                        "{\"$ref\":\"#/nowhere\"}",
                        "{\"type\":\"nonsense\"}",
                        "{\"type\":5}",
                        "{\"type\":\"string\",\"pattern\":\"[unclosed\"}",
                        "{\"type\":\"object\",\"required\":\"city\",\"properties\":[]}",
                        "{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"type\":\"object\"}",
                        "{\"$schema\":\"https://example.invalid/no-such-dialect\",\"type\":\"object\"}",
                        "{\"$id\":\"urn:fuzz:a\",\"$ref\":\"urn:fuzz:b\"}",
                        "{\"$ref\":\"http://127.0.0.1:9/schema.json\"}",
                        "{\"type\":\"object\",\"properties\":{\"city\":{\"$ref\":\"other.json\"}}}",
                        "{\"$dynamicRef\":\"#meta\"}",
                        "{\"type\":\"object\",\"properties\":{\"d\":{\"type\":\"string\",\"format\":\"no-such-format\"}}}",
                        "{\"minimum\":1e400,\"maxLength\":-1,\"multipleOf\":0}",
                        "{\"items\":[{\"type\":\"string\"}],\"prefixItems\":{}}")),
                Tuple.of(1, JsonValues.values()));
    }
}
