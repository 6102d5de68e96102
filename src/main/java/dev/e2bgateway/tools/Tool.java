package dev.e2bgateway.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A tool the client offers, in either API's terms.
 *
 * <p>A {@link Kind#FUNCTION} tool takes named parameters described by a JSON schema. A
 * {@link Kind#CUSTOM} tool takes free-form text (OpenAI custom tools); the model is offered
 * it as a tool with one raw-text parameter, {@value #CUSTOM_INPUT}, so one call format
 * covers both.
 *
 * <p>How the model writes a parameter's value depends on its schema type
 * (docs/tool-calls.md): a string, or no type at all, is written as raw text and
 * taken verbatim; anything else is written as JSON. See {@link #isText(String)}.
 *
 * @param name        the tool's name, as the client gave it
 * @param description what the tool does ("" if none)
 * @param parameters  the JSON schema of the arguments object; a null or non-object schema
 *                    becomes {@code {}}; for a custom tool, the one-parameter schema
 * @param kind        function or custom
 */
public record Tool(String name, String description, JsonNode parameters, Kind kind) {

    /** Whether the tool takes JSON-schema parameters or free-form text. */
    public enum Kind { FUNCTION, CUSTOM }

    /** The one parameter a custom tool's free-form text is passed in. */
    public static final String CUSTOM_INPUT = "input";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Bounds $ref chains, which may be cyclic. */
    private static final int MAX_REF_DEPTH = 8;

    public Tool {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a tool needs a name");
        }
        description = description == null ? "" : description;
        if (kind == Kind.CUSTOM) {
            parameters = customSchema();
        } else {
            // Copied: JsonNode is mutable and a record should not change under its users.
            parameters = parameters != null && parameters.isObject() ? parameters.deepCopy() : NODES.objectNode();
        }
    }

    /** A function tool; {@code parameters} may be null (no parameters). */
    public static Tool function(String name, String description, JsonNode parameters) {
        return new Tool(name, description, parameters, Kind.FUNCTION);
    }

    /** A custom tool that takes free-form text. */
    public static Tool custom(String name, String description) {
        return new Tool(name, description, null, Kind.CUSTOM);
    }

    /** The names the schema lists under {@code required}, in order. */
    public List<String> required() {
        JsonNode required = parameters.path("required");
        List<String> names = new ArrayList<>(required.size());
        for (JsonNode n : required) {
            if (n.isTextual()) {
                names.add(n.asText());
            }
        }
        return Collections.unmodifiableList(names);
    }

    /** Whether the schema declares this parameter under {@code properties}. */
    public boolean declares(String parameter) {
        return parameters.path("properties").has(parameter);
    }

    /** False when the schema says {@code additionalProperties: false}. */
    public boolean allowsUndeclared() {
        JsonNode extra = parameters.get("additionalProperties");
        return extra == null || !extra.isBoolean() || extra.asBoolean();
    }

    /**
     * The JSON types the schema gives this parameter ("string", "integer", ...), after
     * following local {@code $ref}s and looking through an {@code anyOf}/{@code oneOf} whose
     * branches are all typed. Empty when it gives none (or the parameter is undeclared).
     */
    public Set<String> types(String parameter) {
        return typesOf(resolve(parameters.path("properties").path(parameter)));
    }

    /**
     * True when the model writes this parameter as raw text, taken verbatim: its schema
     * allows a string, or gives no type (docs/tool-calls.md). Otherwise its value
     * is JSON.
     */
    public boolean isText(String parameter) {
        Set<String> types = types(parameter);
        return types.isEmpty() || types.contains("string");
    }

    private Set<String> typesOf(JsonNode schema) {
        Set<String> types = new LinkedHashSet<>();
        JsonNode type = schema.get("type");
        if (type != null && type.isTextual()) {
            types.add(type.asText());
        } else if (type != null && type.isArray()) {
            type.forEach(t -> types.add(t.asText()));
        } else {
            for (String union : List.of("anyOf", "oneOf")) {
                JsonNode branches = schema.path(union);
                for (JsonNode branch : branches) {
                    Set<String> branchTypes = typesOf(resolve(branch));
                    if (branchTypes.isEmpty()) {
                        return Set.of(); // one untyped branch: the whole union is untyped
                    }
                    types.addAll(branchTypes);
                }
            }
        }
        return types;
    }

    /** Follows {@code "$ref": "#/..."} within this schema; other refs are left alone. */
    private JsonNode resolve(JsonNode schema) {
        JsonNode node = schema;
        for (int depth = 0; depth < MAX_REF_DEPTH; depth++) {
            JsonNode ref = node.get("$ref");
            if (ref == null || !ref.isTextual() || !ref.asText().startsWith("#")) {
                return node;
            }
            JsonNode target = parameters.at(ref.asText().substring(1));
            if (target.isMissingNode()) {
                return node;
            }
            node = target;
        }
        return node;
    }

    private static ObjectNode customSchema() {
        ObjectNode schema = NODES.objectNode().put("type", "object");
        schema.putObject("properties").putObject(CUSTOM_INPUT)
                .put("type", "string")
                .put("description", "The tool's whole input, as raw text.");
        schema.putArray("required").add(CUSTOM_INPUT);
        return schema;
    }
}
