package dev.e2bgateway.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.e2bgateway.dialect.Ids;
import dev.e2bgateway.error.ApiError;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A request's {@code input}, checked and put in one shape: a string becomes a user message;
 * every message gets its content as a list of parts and an id; {@code item_reference}s are
 * replaced by the stored items they name. The items come out as they are stored and listed by
 * {@code GET /v1/responses/{id}/input_items}, and as {@link Transcript} reads them.
 *
 * <p>Item types the upstream cannot use ({@code reasoning}, built-in tools' calls, ...) are kept
 * as sent and skipped later, never a 400.
 */
final class InputItems {

    private static final Set<String> ROLES = Set.of("user", "assistant", "system", "developer");

    private final ObjectMapper json;

    InputItems(ObjectMapper json) {
        this.json = json;
    }

    /**
     * @param input    the request's {@code input}: a string or an array of items
     * @param resolver stored items by id, for {@code item_reference}s (ids it does not know are missing from its answer)
     */
    List<ObjectNode> normalize(JsonNode input, Function<Set<String>, Map<String, ObjectNode>> resolver) {
        if (input.isTextual()) {
            ObjectNode message = message("user");
            message.putArray("content").addObject().put("type", "input_text").put("text", input.asText());
            return List.of(message);
        }
        if (!input.isArray()) throw ApiError.invalidRequest("input", "'input' must be a string or an array of input items.");
        Set<String> references = new LinkedHashSet<>();
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            if (!item.isObject()) throw ApiError.invalidRequest("input[" + i + "]", "input[" + i + "] must be an object (an input item).");
            if ("item_reference".equals(type(item, "input[" + i + "]"))) references.add(referenceId(item, "input[" + i + "]"));
        }
        Map<String, ObjectNode> stored = references.isEmpty() ? Map.of() : resolver.apply(references);
        List<ObjectNode> items = new ArrayList<>(input.size());
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            String path = "input[" + i + "]";
            String type = type(item, path);
            if (type.equals("item_reference")) {
                String id = referenceId(item, path);
                ObjectNode found = stored.get(id);
                if (found == null) {
                    throw ApiError.invalidRequest(path + ".id", "item_not_found", "Item with id '" + id + "' not found: " + path
                            + " refers to an item this gateway does not hold (never stored, stored with store: false, expired or"
                            + " deleted). Send the item itself instead of a reference.");
                }
                items.add(found.deepCopy());
                continue;
            }
            items.add(switch (type) {
                case "message" -> message(item, path);
                case "function_call", "custom_tool_call" -> call(item, path, type);
                case "function_call_output", "custom_tool_call_output" -> output(item, path, type);
                default -> item.deepCopy(); // reasoning and built-in tools' items: kept, not used
            });
        }
        return items;
    }

    /** An item's type: {@code type}, or "message" for an item with a role, or "item_reference" for a bare id. */
    private static String type(JsonNode item, String path) {
        JsonNode type = item.get("type");
        if (type != null && type.isTextual()) return type.asText();
        if (type != null && !type.isNull()) throw ApiError.invalidRequest(path + ".type", path + ".type must be a string.");
        if (item.has("role")) return "message";
        if (item.path("id").isTextual()) return "item_reference";
        throw ApiError.invalidRequest(path + ".type", path + " needs a 'type' (or a 'role', for a message).");
    }

    private static String referenceId(JsonNode item, String path) {
        JsonNode id = item.get("id");
        if (id == null || !id.isTextual() || id.asText().isEmpty()) {
            throw ApiError.invalidRequest(path + ".id", "An item_reference needs the 'id' of a stored item.");
        }
        return id.asText();
    }

    private ObjectNode message(String role) {
        ObjectNode message = json.createObjectNode().put("type", "message").put("id", Ids.next("msg_")).put("role", role);
        message.put("status", "completed");
        return message;
    }

    private ObjectNode message(JsonNode item, String path) {
        JsonNode roleNode = item.get("role");
        String role = roleNode != null && roleNode.isTextual() ? roleNode.asText() : null;
        if (role == null || !ROLES.contains(role)) {
            throw ApiError.invalidRequest(path + ".role", "Invalid role at " + path + ": expected one of 'user', 'assistant', 'system', 'developer'.");
        }
        ObjectNode out = message(role);
        if (item.path("id").isTextual()) out.put("id", item.get("id").asText());
        if (item.path("status").isTextual()) out.put("status", item.get("status").asText());
        if (item.has("phase")) out.set("phase", item.get("phase"));
        out.set("content", content(item.get("content"), path + ".content", role));
        return out;
    }

    /** Content as a list of parts; a string becomes one text part ({@code output_text} for the assistant, as the API lists it). */
    private ArrayNode content(JsonNode content, String path, String role) {
        boolean assistant = role.equals("assistant");
        ArrayNode parts = json.createArrayNode();
        if (content == null || content.isNull()) throw ApiError.invalidRequest(path, "Missing content at " + path + ".");
        if (content.isTextual()) {
            ObjectNode part = parts.addObject().put("type", assistant ? "output_text" : "input_text").put("text", content.asText());
            if (assistant) part.putArray("annotations");
            return parts;
        }
        if (!content.isArray()) throw ApiError.invalidRequest(path, "Invalid content at " + path + ": expected a string or an array of parts.");
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String partPath = path + "[" + i + "]";
            String type = part.isObject() && part.path("type").isTextual() ? part.get("type").asText() : "";
            switch (type) {
                case "input_text", "output_text" -> {
                    if (!part.path("text").isTextual()) throw ApiError.invalidRequest(partPath + ".text", "A text part needs a string 'text'.");
                    parts.add(part.deepCopy());
                }
                case "refusal" -> {
                    if (!part.path("refusal").isTextual()) throw ApiError.invalidRequest(partPath + ".refusal", "A refusal part needs a string 'refusal'.");
                    parts.add(part.deepCopy());
                }
                case "input_image" -> {
                    JsonNode url = part.get("image_url");
                    if (url == null || !url.isTextual()) {
                        throw ApiError.invalidRequest(partPath + ".image_url", part.path("file_id").isTextual()
                                ? "Images by 'file_id' are not supported here (there is no Files API): send 'image_url', an http(s) or data: URL."
                                : "An input_image part needs 'image_url', an http(s) or data: URL.");
                    }
                    parts.add(part.deepCopy());
                }
                case "input_file" -> throw ApiError.invalidRequest(partPath + ".type", "Unsupported content part at " + partPath
                        + ": 'input_file' (the upstream takes text and images; send the file's text as input_text).");
                default -> throw ApiError.invalidRequest(partPath + ".type", "Unsupported content part type at " + partPath + ": "
                        + (type.isEmpty() ? "missing" : "'" + type + "'") + " (this gateway takes 'input_text', 'output_text',"
                        + " 'refusal' and 'input_image').");
            }
        }
        return parts;
    }

    /** A function or custom tool call the client sends back: {@code call_id} and {@code name} are needed to pair it with its output. */
    private ObjectNode call(JsonNode item, String path, String type) {
        ObjectNode out = item.deepCopy();
        text(item, "call_id", path);
        text(item, "name", path);
        String value = type.equals("function_call") ? "arguments" : "input";
        JsonNode v = item.get(value);
        if (v != null && !v.isNull() && !v.isTextual()) {
            throw ApiError.invalidRequest(path + "." + value, path + "." + value + " must be a string"
                    + (value.equals("arguments") ? " (the arguments as JSON text)." : "."));
        }
        if (v == null || v.isNull()) out.put(value, value.equals("arguments") ? "{}" : "");
        if (!out.path("id").isTextual()) out.put("id", Ids.next(type.equals("function_call") ? "fc_" : "ctc_"));
        if (!out.path("status").isTextual()) out.put("status", "completed");
        return out;
    }

    private ObjectNode output(JsonNode item, String path, String type) {
        ObjectNode out = item.deepCopy();
        text(item, "call_id", path);
        JsonNode output = item.get("output");
        if (output == null || !(output.isTextual() || output.isArray())) {
            throw ApiError.invalidRequest(path + ".output", path + ".output must be a string or an array of content parts.");
        }
        if (!out.path("id").isTextual()) out.put("id", Ids.next(type.equals("function_call_output") ? "fco_" : "ctco_"));
        return out;
    }

    private static void text(JsonNode item, String field, String path) {
        JsonNode v = item.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw ApiError.invalidRequest(path + "." + field, "'" + path + "." + field + "' is a required property.");
        }
    }
}
