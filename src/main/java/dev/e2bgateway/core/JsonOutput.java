package dev.e2bgateway.core;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.e2bgateway.error.ApiError;

import java.util.List;

/**
 * A reply that must be JSON (structured output): the model writes it into {@code code}, now and
 * then inside a code fence although it was told not to. This strips a fence around the whole
 * reply as it streams (holding back only what may be the start or end of one) and, at the end,
 * checks the JSON: one object for JSON mode, conformance to the schema (a maintained JSON Schema
 * validator, draft 2020-12 unless the schema says otherwise) for a schema. A reply that fails is
 * never passed off as valid: {@link #check()} throws, and the client gets an error (a 502, or an
 * in-band error event after a stream started) that names what is wrong.
 */
public final class JsonOutput {

    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private final OutputFormat format;
    private final ObjectMapper json;
    private final StringBuilder all = new StringBuilder();
    private final StringBuilder lead = new StringBuilder(); // before the first content: maybe an opening fence
    private final StringBuilder tail = new StringBuilder(); // trailing whitespace and backticks: maybe a closing fence
    private boolean started;

    JsonOutput(OutputFormat format, ObjectMapper json) {
        this.format = format;
        this.json = json;
    }

    /** Takes reply text; returns what may be passed on now. */
    String accept(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!started) {
                lead.append(c);
                String l = lead.toString().stripLeading();
                if (l.isEmpty()) continue;
                if (l.startsWith("```")) {
                    if (c != '\n') continue; // the fence's info string ("json") runs to the end of its line
                    lead.setLength(0);
                    started = true;
                    continue;
                }
                if ("``".startsWith(l) || "`".equals(l)) continue;
                started = true;
                out.append(lead);
                lead.setLength(0);
                continue;
            }
            if (c == '`' || Character.isWhitespace(c)) {
                tail.append(c);
            } else {
                out.append(tail).append(c);
                tail.setLength(0);
            }
        }
        all.append(out);
        return out.toString();
    }

    /** The reply ended: what is still to be passed on (a held tail that was no fence). */
    String flush() {
        String rest = lead.toString() + (tail.indexOf("```") >= 0 ? "" : tail.toString()); // a closing fence goes with its blank space
        lead.setLength(0);
        tail.setLength(0);
        all.append(rest);
        return rest;
    }

    /** Checks the whole reply; throws an {@link ApiError} naming the first problem. */
    void check() {
        String text = all.toString().strip();
        JsonNode value;
        try {
            value = json.readTree(text);
        } catch (JacksonException e) {
            throw invalid("The model's reply is not valid JSON: " + e.getOriginalMessage() + ".");
        }
        if (value == null || value.isMissingNode()) throw invalid("The model's reply is empty, not JSON.");
        if (format.kind() == OutputFormat.Kind.JSON_OBJECT && !value.isObject()) {
            throw invalid("The model's reply is JSON but not an object.");
        }
        if (format.kind() == OutputFormat.Kind.JSON_SCHEMA) {
            List<Error> errors;
            try {
                errors = schema().validate(text, InputFormat.JSON);
            } catch (RuntimeException | StackOverflowError e) {
                // The schema was checked when the request came in; what is left is a loop only this reply walks into.
                throw invalid("The model's reply cannot be checked against the schema" + (format.name() == null ? "" : " '"
                        + format.name() + "'") + ": " + clean(e) + ".");
            }
            if (!errors.isEmpty()) {
                throw invalid("The model's reply does not match the schema" + (format.name() == null ? "" : " '" + format.name() + "'")
                        + ": " + where(errors.get(0)) + errors.get(0).getMessage() + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : "") + ".");
            }
        }
    }

    private static String where(Error error) {
        String at = String.valueOf(error.getInstanceLocation());
        return at.isEmpty() || at.equals("$") || at.equals("null") ? "" : "at " + at + ", ";
    }

    /** The schema, checked (references, loops) when the request came in: here it only needs loading. */
    private Schema schema() {
        try {
            return SCHEMAS.getSchema(json.writeValueAsString(format.schema()));
        } catch (JacksonException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    private static ApiError invalid(String message) {
        return new ApiError(ApiError.Kind.UPSTREAM, null, "invalid_model_output", message, true, null);
    }

    /**
     * Checks at parse time that a schema compiles, that its references resolve, and that it can
     * check a value without looping, so a broken one is a 400 before anything reaches the upstream.
     */
    public static void compiles(ObjectMapper json, JsonNode schema) {
        compile(json, schema);
    }

    private static Schema compile(ObjectMapper json, JsonNode schema) {
        if (aliasLoop(schema, schema, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()))) {
            throw ApiError.invalidRequest("response_format", "The JSON schema cannot be used: its references loop without end"
                    + " (a $ref that leads back to itself).");
        }
        try {
            Schema compiled = SCHEMAS.getSchema(json.writeValueAsString(schema));
            compiled.initializeValidators(); // references resolve now, not when the reply is checked
            compiled.validate("{}", InputFormat.JSON);
            return compiled;
        } catch (JacksonException | RuntimeException | StackOverflowError e) {
            throw ApiError.invalidRequest("response_format", "The JSON schema cannot be used: " + clean(e) + ".");
        }
    }

    /**
     * Whether a local {@code $ref} leads, through nodes that are nothing but references, back to
     * itself ({@code {"$ref": "#"}} at the root, or A whose only content is a reference to A): a
     * loop the validator would follow until the stack runs out. Recursion through real structure
     * (a tree whose children are the root) is fine and not flagged.
     */
    private static boolean aliasLoop(JsonNode root, JsonNode node, java.util.Set<JsonNode> seen) {
        if (node.isObject() && node.path("$ref").isTextual() && node.get("$ref").asText().startsWith("#") && seen.add(node)) {
            java.util.Set<JsonNode> chain = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            JsonNode at = node;
            while (at.isObject() && at.path("$ref").isTextual() && at.get("$ref").asText().startsWith("#")) {
                if (!chain.add(at)) return true;
                String pointer = at.get("$ref").asText().substring(1);
                JsonNode target;
                try {
                    target = pointer.isEmpty() ? root : root.at(pointer);
                } catch (IllegalArgumentException e) {
                    break; // not a JSON pointer: left to the validator, which refuses it at compile time
                }
                if (target.isMissingNode() || at.size() > 1 && target != at) break; // more than a pure alias
                at = target;
            }
        }
        for (JsonNode child : node) {
            if (aliasLoop(root, child, seen)) return true;
        }
        return false;
    }

    /** The library's message without Java class names ("java.lang.IllegalArgumentException: ..."). */
    private static String clean(Throwable e) {
        if (e instanceof StackOverflowError) return "its references loop without end";
        String message = e.getMessage() == null ? "it is not a valid JSON Schema" : e.getMessage();
        message = message.replaceAll("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error)\\b:?\\s*", "").strip();
        if (message.endsWith(".")) message = message.substring(0, message.length() - 1);
        return message.isEmpty() ? "it is not a valid JSON Schema" : message;
    }
}
