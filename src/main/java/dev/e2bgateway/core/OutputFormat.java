package dev.e2bgateway.core;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the reply must be: free text, one JSON object, or JSON that conforms to a schema
 * (OpenAI's {@code response_format}, the Responses API's {@code text.format}).
 *
 * @param name   the schema's name, for messages (JSON_SCHEMA only)
 * @param schema the JSON Schema (JSON_SCHEMA only)
 * @param strict whether the client asked for strict adherence (the gateway validates either way)
 */
public record OutputFormat(Kind kind, String name, JsonNode schema, boolean strict) {

    public enum Kind { TEXT, JSON_OBJECT, JSON_SCHEMA }

    public static final OutputFormat TEXT = new OutputFormat(Kind.TEXT, null, null, false);
    public static final OutputFormat JSON_OBJECT = new OutputFormat(Kind.JSON_OBJECT, null, null, false);

    public static OutputFormat schema(String name, JsonNode schema, boolean strict) {
        return new OutputFormat(Kind.JSON_SCHEMA, name, schema, strict);
    }

    public boolean json() {
        return kind != Kind.TEXT;
    }
}
