package dev.e2bgateway.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Gemini's {@code parameters} / {@code responseSchema}, an OpenAPI 3.0 subset ({@code "type": "OBJECT"},
 * {@code nullable}), as the plain JSON Schema the tool prompt and the output validator read:
 * types lower-cased, {@code nullable: true} as a {@code "null"} type, Google-only keys
 * ({@code propertyOrdering}) left out. Clients that send {@code parametersJsonSchema} /
 * {@code responseJsonSchema} (Gemini CLI) need none of this.
 */
final class OpenApiSchemas {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Keys whose value is one schema. */
    private static final Set<String> ONE = Set.of("items", "not", "additionalProperties");
    /** Keys whose value is a list of schemas. */
    private static final Set<String> LIST = Set.of("anyOf", "oneOf", "allOf", "prefixItems");
    /** Keys whose value maps names to schemas. */
    private static final Set<String> MAP = Set.of("properties", "$defs", "definitions");
    /** Google's own keys: nothing a JSON Schema reader knows. */
    private static final Set<String> DROPPED = Set.of("nullable", "propertyOrdering");
    /** Bounds recursion on a hostile, deeply nested schema (the JSON reader bounds depth too). */
    private static final int MAX_DEPTH = 64;

    private OpenApiSchemas() {
    }

    /** The JSON Schema for {@code schema}; anything not an object is returned as it is (the caller checks). */
    static JsonNode toJsonSchema(JsonNode schema) {
        return convert(schema, 0);
    }

    private static JsonNode convert(JsonNode schema, int depth) {
        if (schema == null || !schema.isObject() || depth > MAX_DEPTH) return schema;
        ObjectNode out = NODES.objectNode();
        for (Map.Entry<String, JsonNode> field : schema.properties()) {
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (DROPPED.contains(key)) continue;
            if (key.equals("type") && value.isTextual()) {
                out.put("type", value.asText().toLowerCase(Locale.ROOT));
            } else if (ONE.contains(key)) {
                out.set(key, convert(value, depth + 1));
            } else if (LIST.contains(key) && value.isArray()) {
                ArrayNode list = out.putArray(key);
                value.forEach(v -> list.add(convert(v, depth + 1)));
            } else if (MAP.contains(key) && value.isObject()) {
                ObjectNode map = out.putObject(key);
                value.properties().forEach(e -> map.set(e.getKey(), convert(e.getValue(), depth + 1)));
            } else {
                out.set(key, value.deepCopy());
            }
        }
        if (schema.path("nullable").asBoolean(false) && out.path("type").isTextual()) {
            String type = out.get("type").asText();
            out.putArray("type").add(type).add("null");
        }
        if (out.path("type").asText().equals("type_unspecified")) out.remove("type");
        return out;
    }
}
