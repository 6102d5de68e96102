package dev.e2bgateway.json;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.error.ApiError;

import java.util.ArrayList;
import java.util.List;

/** Typed reads of request fields, each failure a 400 naming the field. Shared by every dialect. */
public final class Fields {

    private Fields() {
    }

    /** Parses a request body that must be a JSON object. */
    public static JsonNode readObject(ObjectMapper json, byte[] body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JacksonException e) {
            throw ApiError.invalidRequest(null, "The request body is not valid JSON: " + e.getOriginalMessage() + ".");
        } catch (java.io.IOException e) {
            throw ApiError.invalidRequest(null, "The request body could not be read.");
        }
        if (root == null || root.isMissingNode()) throw ApiError.invalidRequest(null, "The request body is empty; send a JSON object.");
        if (!root.isObject()) throw ApiError.invalidRequest(null, "The request body must be a JSON object.");
        return root;
    }

    public static String requiredString(JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) throw ApiError.invalidRequest(field, "'" + field + "' is a required property.");
        if (!v.isTextual() || v.asText().isEmpty()) throw wrongType(field, "a non-empty string", v);
        return v.asText();
    }

    public static Double optionalNumber(JsonNode root, String field, double min, double max) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isNumber()) throw wrongType(field, "a number", v);
        double d = v.asDouble();
        if (d < min || d > max || Double.isNaN(d)) {
            throw ApiError.invalidRequest(field, "'" + field + "' must be between " + fmt(min) + " and " + fmt(max) + ", got " + v + ".");
        }
        return d;
    }

    public static Integer optionalInt(JsonNode root, String field, int min, int max) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
            throw wrongType(field, "an integer", v);
        }
        if (!v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw ApiError.invalidRequest(field, "'" + field + "' must be at least " + min
                    + (max == Integer.MAX_VALUE ? "" : " and at most " + max) + ", got " + v + ".");
        }
        return (int) v.asLong();
    }

    public static boolean optionalBoolean(JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) return false;
        if (!v.isBoolean()) throw wrongType(field, "a boolean", v);
        return v.asBoolean();
    }

    /** Stop sequences: a string or an array of up to {@code max} strings; empty ones are dropped. */
    public static List<String> stopSequences(JsonNode v, String field, int max) {
        if (v == null || v.isNull()) return List.of();
        if (v.isTextual()) return v.asText().isEmpty() ? List.of() : List.of(v.asText());
        if (!v.isArray()) throw wrongType(field, "a string or an array of strings", v);
        if (v.size() > max) {
            throw ApiError.invalidRequest(field, "'" + field + "' takes at most " + max + " sequences.");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : v) {
            if (!s.isTextual()) throw wrongType(field, "a string or an array of strings", v);
            if (!s.asText().isEmpty()) out.add(s.asText());
        }
        return out;
    }

    private static ApiError wrongType(String field, String expected, JsonNode got) {
        return ApiError.invalidRequest(field, "Invalid type for '" + field + "': expected " + expected
                + ", but got " + typeName(got) + ".");
    }

    private static String typeName(JsonNode v) {
        return switch (v.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case NULL, MISSING -> "null";
            case BINARY -> "binary data";
        };
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
