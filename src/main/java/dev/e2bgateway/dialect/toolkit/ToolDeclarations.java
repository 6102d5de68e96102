package dev.e2bgateway.dialect.toolkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.tools.Tool;

/**
 * A function tool as every door declares one: a name, a description and a JSON Schema of its
 * arguments object. The checks are the same at every door; only the paths in the messages are the
 * door's own.
 */
public final class ToolDeclarations {

    private ToolDeclarations() {
    }

    /**
     * A function tool.
     *
     * @param node           the object holding {@code name} (and nothing else is read from it)
     * @param path           where {@code node} is, for the 400s ("tools[0].function", "tools.0")
     * @param description    what the tool does; null for none
     * @param parameters     the arguments' JSON Schema: an object, or absent / null (no parameters)
     * @param parametersPath where {@code parameters} is, for its 400
     */
    public static Tool function(JsonNode node, String path, String description, JsonNode parameters, String parametersPath) {
        return Tool.function(name(node, path), description, schema(parameters, parametersPath));
    }

    /** A custom tool (free-form text input) named by {@code node.name}. */
    public static Tool custom(JsonNode node, String path, String description) {
        return Tool.custom(name(node, path), description);
    }

    /** {@code node.name}, a non-blank string; else a 400 naming {@code path.name}. */
    public static String name(JsonNode node, String path) {
        JsonNode name = node == null ? null : node.get("name");
        String where = path + ".name";
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
            throw ApiError.invalidRequest(where, "'" + where + "' is a required property (a tool needs a name).");
        }
        return name.asText();
    }

    /**
     * The parameters' schema: null when absent; a 400 when it is there but not an object. (Chat
     * completions and Messages used to offer such a tool with no parameters at all, so the model
     * called it with none and the client's own schema check failed later, far from the cause.)
     */
    public static JsonNode schema(JsonNode parameters, String path) {
        if (parameters == null || parameters.isNull()) return null;
        if (!parameters.isObject()) {
            throw ApiError.invalidRequest(path, "'" + path + "' must be a JSON Schema object.");
        }
        return parameters;
    }
}
