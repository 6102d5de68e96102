package dev.e2bgateway.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.e2bgateway.core.ChatRequest;
import dev.e2bgateway.core.JsonOutput;
import dev.e2bgateway.core.OutputFormat;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.json.Fields;
import dev.e2bgateway.models.ModelRegistry;
import dev.e2bgateway.models.ModelSpec;
import dev.e2bgateway.tools.PythonTool;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Validates a {@code POST /v1/responses} body and turns it into a {@link ChatRequest}: the
 * conversation a {@code previous_response_id} continues, then {@code input}, with
 * {@code instructions} and system/developer messages as the system prompt. Every problem is a
 * 400 naming the field, and nothing invalid reaches the upstream. Accepted and ignored, because
 * they do not change the answer's shape here: {@code reasoning}, {@code include},
 * {@code prompt_cache_key}, {@code client_metadata}, {@code service_tier}, {@code truncation},
 * {@code user}, {@code safety_identifier}, {@code stream_options}, {@code top_logprobs},
 * {@code background} (answered at once), unknown fields.
 */
final class ResponsesParser {

    /**
     * @param input the request's own input items, as stored
     * @param chain the stored responses this one continues, oldest first (empty: none)
     */
    record Parsed(ChatRequest request, boolean stream, boolean store, ResponseShape.Echo echo, List<ObjectNode> input,
                  List<String> chain, boolean codeInterpreter) {}

    private final ObjectMapper json;
    private final Supplier<ModelRegistry> models; // read once per request: a reload swaps the registry
    private final StoredResponses stored;
    private final InputItems inputItems;
    private final Transcript transcript;
    private final boolean interpreter;

    /** @param interpreter whether the built-in code interpreter is on (E2B_CODE_INTERPRETER) */
    ResponsesParser(ObjectMapper json, Supplier<ModelRegistry> models, StoredResponses stored, boolean interpreter) {
        this.interpreter = interpreter;
        this.json = json;
        this.models = models;
        this.stored = stored;
        this.inputItems = new InputItems(json);
        this.transcript = new Transcript(json);
    }

    /**
     * @param owner    the name of the caller's key: only its stored responses and items can be continued or referred to
     * @param counting for {@code input_tokens}: nothing is stored, so the store's health does not matter
     */
    Parsed parse(String owner, byte[] body, boolean counting) {
        JsonNode root = Fields.readObject(json, body);
        String modelName = Fields.requiredString(root, "model");
        ModelSpec model = models.get().find(modelName).orElseThrow(() -> ApiError.modelNotFound(modelName));
        refuse(root, "conversation", "Conversations (the Conversations API) are not supported here: continue with"
                + " previous_response_id, or send the whole conversation as input.");
        refuse(root, "prompt", "Prompt templates ('prompt') are not supported here: send the instructions and input themselves.");

        boolean store = !root.hasNonNull("store") || Fields.optionalBoolean(root, "store"); // true unless said otherwise, as with OpenAI
        boolean stream = Fields.optionalBoolean(root, "stream");
        String instructions = optionalString(root, "instructions");
        ResponseTools tools = ResponseTools.parse(root, json, interpreter);
        Double temperature = Fields.optionalNumber(root, "temperature", 0, 2);
        Double topP = Fields.optionalNumber(root, "top_p", 0, 1);
        Integer maxOutputTokens = Fields.optionalInt(root, "max_output_tokens", 1, Integer.MAX_VALUE);
        JsonNode text = root.get("text");
        OutputFormat format = format(text);
        JsonNode metadata = metadata(root.get("metadata"));

        // The store is asked last, once everything it cannot fix has been checked.
        String previousId = optionalString(root, "previous_response_id");
        StoredResponses.Previous previous = previousId == null ? null : stored.previous(owner, previousId);

        JsonNode inputNode = root.get("input");
        if ((inputNode == null || inputNode.isNull()) && previous == null) {
            throw ApiError.invalidRequest("input", "'input' is a required property.");
        }
        List<ObjectNode> input = inputNode == null || inputNode.isNull() ? List.of()
                : inputItems.normalize(inputNode, ids -> stored.items(owner, ids));

        List<Transcript.Item> items = new ArrayList<>();
        if (previous != null) {
            for (JsonNode item : previous.items()) items.add(new Transcript.Item(item, "previous_response_id '" + previousId + "'"));
        }
        for (int i = 0; i < input.size(); i++) items.add(new Transcript.Item(input.get(i), "input[" + i + "]"));
        Transcript.Read read = transcript.read(items, model, PythonTool.nameBeside(tools.use().tools()));
        if (read.messages().stream().noneMatch(m -> m.role() == ChatRequest.Role.USER)) {
            throw ApiError.invalidRequest("input", "'input' must contain at least one user message.");
        }

        List<String> system = new ArrayList<>();
        if (instructions != null && !instructions.isBlank()) system.add(instructions);
        system.addAll(read.system());

        if (store && previous == null && !counting) stored.check(); // fail before the upstream is called, not after
        ChatRequest request = new ChatRequest(modelName, model, system.isEmpty() ? null : String.join("\n\n", system),
                read.messages(), new ChatRequest.Sampling(temperature, topP, null, null, null), maxOutputTokens, List.of(),
                tools.use(), format);
        ResponseShape.Echo echo = new ResponseShape.Echo(instructions, maxOutputTokens, metadata, previousId, store, temperature,
                topP, textEcho(text), tools, includes(root, "code_interpreter_call.outputs"));
        return new Parsed(request, stream, store, echo, input, previous == null ? List.of() : previous.chain(), tools.codeInterpreter());
    }

    /** {@code text.format}: free text, a JSON object, or JSON of a schema, checked as for chat completions. */
    private OutputFormat format(JsonNode text) {
        if (text == null || text.isNull()) return OutputFormat.TEXT;
        if (!text.isObject()) throw ApiError.invalidRequest("text", "'text' must be an object ({\"format\": {...}}).");
        JsonNode format = text.get("format");
        if (format == null || format.isNull()) return OutputFormat.TEXT;
        String type = format.isObject() && format.path("type").isTextual() ? format.get("type").asText() : null;
        if ("text".equals(type)) return OutputFormat.TEXT;
        if ("json_object".equals(type)) return OutputFormat.JSON_OBJECT;
        if ("json_schema".equals(type)) {
            JsonNode schema = format.get("schema");
            if (schema == null || !schema.isObject()) {
                throw ApiError.invalidRequest("text.format.schema", "'text.format.schema' must be a JSON Schema object.");
            }
            JsonOutput.compiles(json, schema);
            return OutputFormat.schema(format.path("name").asText(null), schema, format.path("strict").asBoolean(false));
        }
        throw ApiError.invalidRequest("text.format.type", "'text.format.type' must be 'text', 'json_object' or 'json_schema'.");
    }

    /** {@code text} as the response repeats it: always with a {@code format}. */
    private JsonNode textEcho(JsonNode text) {
        ObjectNode echo = text != null && text.isObject() ? text.deepCopy() : json.createObjectNode();
        if (!echo.hasNonNull("format")) echo.set("format", json.createObjectNode().put("type", "text"));
        return echo;
    }

    /** Up to 16 string values under keys of up to 64 characters, values up to 512, as OpenAI takes them. */
    private static JsonNode metadata(JsonNode metadata) {
        if (metadata == null || metadata.isNull()) return null;
        if (!metadata.isObject()) throw ApiError.invalidRequest("metadata", "'metadata' must be an object of string values.");
        if (metadata.size() > 16) throw ApiError.invalidRequest("metadata", "'metadata' takes at most 16 keys.");
        for (Map.Entry<String, JsonNode> e : metadata.properties()) {
            if (e.getKey().length() > 64) throw ApiError.invalidRequest("metadata", "'metadata' keys are at most 64 characters.");
            if (!e.getValue().isTextual() || e.getValue().asText().length() > 512) {
                throw ApiError.invalidRequest("metadata." + e.getKey(), "'metadata' values must be strings of at most 512 characters.");
            }
        }
        return metadata;
    }

    /** Whether {@code include} lists {@code value} (other entries change nothing here). */
    private static boolean includes(JsonNode root, String value) {
        for (JsonNode v : root.path("include")) {
            if (value.equals(v.asText())) return true;
        }
        return false;
    }

    private static void refuse(JsonNode root, String field, String message) {
        if (root.hasNonNull(field)) throw ApiError.invalidRequest(field, message);
    }

    private static String optionalString(JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw ApiError.invalidRequest(field, "Invalid type for '" + field + "': expected a string.");
        return v.asText();
    }
}
