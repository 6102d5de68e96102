package dev.e2bgateway.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.e2bgateway.tools.ToolCallEvent.Reason;

import java.util.List;
import java.util.Set;

/**
 * Turns the parameters of one {@code <invoke>} into the call's arguments object, checked
 * against the tool's schema: values typed as strings (or untyped) verbatim, others parsed
 * as JSON; required parameters present.
 *
 * <p>Checks beyond that are shallow on purpose (the top-level JSON type of a value; an
 * undeclared parameter only where the schema forbids extras): deep validation is the
 * tool's business, and every check here turns a call into text the client sees.
 */
final class CallArguments {

    /** A parameter as written: its name and its value's text, newline rule applied. */
    record Written(String name, String value) {
    }

    /** Either the arguments JSON, or why there are none. */
    record Outcome(String json, Reason reason, String detail) {
        static Outcome ok(String json) {
            return new Outcome(json, null, null);
        }

        static Outcome rejected(Reason reason, String detail) {
            return new Outcome(null, reason, detail);
        }

        boolean isOk() {
            return json != null;
        }
    }

    private final ObjectMapper json;
    private final ObjectReader values;
    private final ObjectWriter compact;

    CallArguments(ObjectMapper json) {
        this.json = json;
        // Big decimals: a float the model wrote comes back as written, and 1e400 stays
        // valid JSON instead of becoming Infinity. Trailing tokens: "1 2" is not a number.
        this.values = json.reader()
                .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.compact = json.writer().without(SerializationFeature.INDENT_OUTPUT);
    }

    /** Builds the arguments of a call to {@code tool} (null: not an offered tool). */
    Outcome build(String name, Tool tool, List<Written> parameters) {
        if (tool == null) {
            return Outcome.rejected(Reason.UNKNOWN_TOOL, "\"" + name + "\" is not an offered tool");
        }
        ObjectNode arguments = json.createObjectNode();
        for (Written p : parameters) {
            if (arguments.has(p.name())) {
                return Outcome.rejected(Reason.DUPLICATE_PARAMETER, name + ": \"" + p.name() + "\" given twice");
            }
            if (!tool.declares(p.name()) && !tool.allowsUndeclared()) {
                return Outcome.rejected(Reason.UNKNOWN_PARAMETER, name + ": no parameter \"" + p.name() + "\"");
            }
            if (tool.isText(p.name())) {
                arguments.put(p.name(), p.value());
                continue;
            }
            JsonNode value = parse(p.value());
            if (value == null) {
                return Outcome.rejected(Reason.INVALID_JSON, name + ": \"" + p.name() + "\" is not JSON: " + excerpt(p.value()));
            }
            Set<String> types = tool.types(p.name());
            if (!types.isEmpty() && types.stream().noneMatch(t -> hasType(value, t))) {
                return Outcome.rejected(Reason.WRONG_TYPE, name + ": \"" + p.name() + "\" should be " + String.join(" or ", types));
            }
            arguments.set(p.name(), value);
        }
        for (String required : tool.required()) {
            if (!arguments.has(required)) {
                return Outcome.rejected(Reason.MISSING_REQUIRED, name + ": \"" + required + "\" is required");
            }
        }
        try {
            return Outcome.ok(compact.writeValueAsString(arguments));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /** The JSON value, or null when the text is not exactly one. */
    private JsonNode parse(String text) {
        try {
            JsonNode value = values.readTree(text);
            return value == null || value.isMissingNode() ? null : value;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /**
     * A value on lines of its own loses one leading and one trailing newline; any other
     * value is taken exactly (docs/tool-calls.md).
     */
    static String value(CharSequence text, int from, int to) {
        if (to - from >= 2 && text.charAt(from) == '\n' && text.charAt(to - 1) == '\n') {
            return text.subSequence(from + 1, to - 1).toString();
        }
        return text.subSequence(from, to).toString();
    }

    private static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            case "number" -> value.isNumber();
            // JSON Schema counts 3.0 as an integer.
            case "integer" -> value.isIntegralNumber()
                    || value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0;
            default -> true; // a type we do not know: not ours to refuse
        };
    }

    private static String excerpt(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "...";
    }
}
