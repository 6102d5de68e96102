package dev.e2bgateway.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.Set;

/**
 * A parameter schema with what the model does not need taken out, for the prompt: agents
 * send dozens of tools, and every character is paid for in every request.
 *
 * <p>Out: {@code $schema}, {@code $id}, {@code $comment}, {@code title} (it repeats the
 * name), {@code additionalProperties: false} (the prompt says to use the listed
 * parameters only), an empty {@code required}, and the top level's {@code type: object}.
 * Kept: types, enums, descriptions, defaults, formats, bounds, {@code required},
 * {@code $defs} and {@code $ref}. Keywords are only removed where a schema is, never from a
 * {@code properties} map, where "title" may well be a parameter's name.
 */
final class CompactSchema {

    private static final Set<String> NOISE = Set.of("$schema", "$id", "$comment", "title");
    /** Keywords whose value is a map from names to schemas. */
    private static final Set<String> SCHEMA_MAPS = Set.of(
            "properties", "patternProperties", "$defs", "definitions", "dependentSchemas");
    /** Keywords whose value is a schema, or (items, in older drafts) a list of them. */
    private static final Set<String> SCHEMAS = Set.of(
            "items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames",
            "unevaluatedProperties", "unevaluatedItems", "additionalItems");
    /** Keywords whose value is a list of schemas. */
    private static final Set<String> SCHEMA_LISTS = Set.of("anyOf", "oneOf", "allOf", "prefixItems");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CompactSchema() {
    }

    /** The compacted copy of a tool's parameters schema; empty when it has no parameters. */
    static ObjectNode of(JsonNode parameters) {
        ObjectNode out = (ObjectNode) schema(parameters);
        JsonNode type = out.get("type");
        if (type != null && type.isTextual() && type.asText().equals("object")) {
            out.remove("type");
        }
        JsonNode properties = out.get("properties");
        if (properties != null && properties.isEmpty()) {
            out.remove("properties");
        }
        return out;
    }

    private static JsonNode schema(JsonNode node) {
        if (node.isArray()) {
            return list(node);
        }
        if (!node.isObject()) {
            return node; // true/false schemas
        }
        ObjectNode out = NODES.objectNode();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (NOISE.contains(key)
                    || key.equals("additionalProperties") && value.isBoolean() && !value.asBoolean()
                    || key.equals("required") && value.isArray() && value.isEmpty()) {
                continue;
            }
            if (SCHEMA_MAPS.contains(key) && value.isObject()) {
                ObjectNode map = out.putObject(key);
                value.properties().forEach(e -> map.set(e.getKey(), schema(e.getValue())));
            } else if (SCHEMAS.contains(key) || SCHEMA_LISTS.contains(key) && value.isArray()) {
                out.set(key, schema(value));
            } else {
                out.set(key, value);
            }
        }
        return out;
    }

    private static ArrayNode list(JsonNode schemas) {
        ArrayNode out = NODES.arrayNode();
        schemas.forEach(s -> out.add(schema(s)));
        return out;
    }
}
