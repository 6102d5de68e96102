package dev.e2bgateway.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.e2bgateway.App;
import dev.e2bgateway.models.ModelCatalog;
import dev.e2bgateway.models.ModelSpec;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Building blocks shared by both dialects' request generators. */
final class Shapes {

    static final ObjectMapper JSON = App.objectMapper();

    /** The built-in catalog's ids, multimodal and not, routed and not. */
    static final List<String> MODELS = new ModelCatalog(JSON).load(null).all().stream().map(ModelSpec::id).toList();

    static final List<String> TOOL_NAMES = List.of("get_weather", "run", "save_note");

    private Shapes() {
    }

    /** An object with the required fields always and each optional one with probability {@code present}. */
    static Gen<JsonNode> object(Map<String, Gen<? extends JsonNode>> required,
                                        Map<String, Gen<? extends JsonNode>> optional, double present) {
        List<String> names = new ArrayList<>();
        List<Gen<JsonNode>> values = new ArrayList<>();
        required.forEach((name, a) -> {
            names.add(name);
            values.add(a.map(n -> (JsonNode) n));
        });
        optional.forEach((name, a) -> {
            names.add(name);
            values.add(a.map(n -> (JsonNode) n).orNull(1 - present));
        });
        return Gen.combine(values).map(list -> {
            ObjectNode o = JsonValues.NODES.objectNode();
            for (int i = 0; i < list.size(); i++) if (list.get(i) != null) o.set(names.get(i), list.get(i));
            return (JsonNode) o;
        });
    }

    static Map<String, Gen<? extends JsonNode>> fields(Object... pairs) {
        Map<String, Gen<? extends JsonNode>> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            @SuppressWarnings("unchecked") Gen<? extends JsonNode> a = (Gen<? extends JsonNode>) pairs[i + 1];
            map.put((String) pairs[i], a);
        }
        return map;
    }

    static Gen<JsonNode> text(Gen<String> s) {
        return s.map(JsonValues.NODES::textNode);
    }

    static Gen<JsonNode> literal(String... json) {
        return Gen.of(json).map(Shapes::parse);
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Gen<JsonNode> models() {
        return Gen.frequency(Gen.w(20, Gen.of(MODELS)),
                Gen.w(1, Gen.of("no-such-model", "GPT-4O", "gpt-4o ", "models/", "/")))
                .map(JsonValues.NODES::textNode);
    }

    static Gen<String> toolNames() {
        return Gen.frequency(Gen.w(12, Gen.of(TOOL_NAMES)),
                Gen.w(1, Gen.of("", " ", "名前", "a\"b</invoke>", "x".repeat(300))));
    }

    /** Message text: mostly plain, sometimes with the tool-call tags or odd unicode in it. */
    static Gen<String> messageText() {
        return JsonValues.strings();
    }

    /** Parameter schemas and response schemas: plain ones, and ones a validator may choke on. */
    static Gen<JsonNode> schemas() {
        return Gen.frequency(
                Gen.w(4, literal(
                        "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"days\":{\"type\":\"integer\"}},\"required\":[\"city\"]}",
                        "{}",
                        "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"},\"n\":{\"type\":\"integer\"}},\"additionalProperties\":false}",
                        "{\"type\":\"object\",\"properties\":{\"a\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}}}")),
                Gen.w(2, literal(
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
                Gen.w(1, JsonValues.values()));
    }

    /** Ids of the built-in catalog only. */
    static Gen<JsonNode> validModels() {
        return Gen.of(MODELS).map(JsonValues.NODES::textNode);
    }

    /** Message text a client may send: any well-formed text, tags and odd unicode included. */
    static Gen<String> validText() {
        return Gen.frequency(Gen.w(4, JsonValues.strings().map(FragmentBodies::wellFormed)),
                Gen.w(1, Gen.of("Hello", "Return JSON, please.", "What is the weather in Paris?", "你好", "😀")));
    }

    /** Schemas a validator accepts, for parameters and responses; the HTTP fuzz test's reply matches each. */
    static Gen<JsonNode> validSchemas() {
        return literal(
                "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"days\":{\"type\":\"integer\"}},\"required\":[\"city\"]}",
                "{\"type\":\"object\"}",
                "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"days\":{\"type\":\"integer\"}},\"additionalProperties\":false}",
                "{\"type\":\"object\",\"properties\":{\"a\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}}}",
                "{\"type\":\"object\",\"properties\":{\"t\":{\"$ref\":\"#/$defs/T\"}},\"$defs\":{\"T\":{\"type\":\"string\"}}}");
    }

    /** {@code requests} written out in any of the JSON styles. */
    static Gen<Input> written(Gen<ObjectNode> requests) {
        return Gen.combine(requests, Gen.of(JsonText.Style.class))
                .as((request, style) -> Input.of(JsonText.write(request, style)));
    }

    /**
     * {@code requests} changed by up to three mutations (replacement values drawn from
     * {@code parts}), written in any style, then edited as bytes.
     */
    static Gen<Input> mutated(Gen<ObjectNode> requests, Gen<JsonNode> parts) {
        return Gen.combine(requests, Mutation.mutations(Mutation.replacements(parts)).list(3),
                        Gen.of(JsonText.Style.class), Mutation.ByteEdit.edits())
                .as((request, mutations, style, edit) -> {
                    ObjectNode tree = request;
                    for (Mutation m : mutations) tree = m.applyTo(tree);
                    return new Input(edit.applyTo(JsonText.write(tree, style).getBytes(StandardCharsets.UTF_8)));
                });
    }

    /**
     * Valid requests: one from {@code base}, and half the time (when any names are drawn) tools
     * named from {@link #TOOL_NAMES} declared by {@code tool} and a {@code tool_choice} set by
     * {@code choice}, which may force one of them; written in any style. The dialects differ only
     * in how a tool and a choice are spelt.
     */
    static Gen<Input> validWithTools(Gen<ObjectNode> base, ToolDeclaration tool, ToolChoice choice) {
        Gen<List<String>> toolNames = Gen.subsetOf(TOOL_NAMES);
        return r -> {
            ObjectNode request = base.next(r);
            List<String> names = toolNames.next(r);
            if (!names.isEmpty() && r.nextBoolean()) {
                ArrayNode tools = request.putArray("tools");
                for (String name : names) tool.add(tools, name, r);
                choice.set(request, names.get(r.nextInt(names.size())), r);
            }
            return Input.of(JsonText.write(request, Gen.of(JsonText.Style.class).next(r)));
        };
    }

    /** Adds the tool {@code name}, in a dialect's spelling, to a request's {@code tools}. */
    interface ToolDeclaration {
        void add(ArrayNode tools, String name, Random r);
    }

    /** Sets (or leaves out) a request's {@code tool_choice}; {@code forced} is one of its tools. */
    interface ToolChoice {
        void set(ObjectNode request, String forced, Random r);
    }
}
