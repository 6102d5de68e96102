package dev.e2bgateway.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.core.ChatRequest;
import dev.e2bgateway.core.ChatRequest.Message;
import dev.e2bgateway.core.ChatRequest.Part;
import dev.e2bgateway.core.ChatRequest.Role;
import dev.e2bgateway.core.ChatRequest.Text;
import dev.e2bgateway.core.JsonOutput;
import dev.e2bgateway.core.OutputFormat;
import dev.e2bgateway.core.ToolUse;
import dev.e2bgateway.dialect.Images;
import dev.e2bgateway.dialect.toolkit.ToolChoices;
import dev.e2bgateway.dialect.toolkit.ToolDeclarations;
import dev.e2bgateway.dialect.toolkit.ToolHistory;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.json.Fields;
import dev.e2bgateway.models.ModelSpec;
import dev.e2bgateway.tools.Tool;
import dev.e2bgateway.tools.ToolChoice;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Gemini {@code generateContent} body ({@code contents}, {@code systemInstruction}, {@code tools},
 * {@code toolConfig}, {@code generationConfig}) as the core's {@link ChatRequest}. The model comes
 * from the path. Every problem is a 400 naming the field; {@code safetySettings},
 * {@code thinkingConfig}, {@code thoughtSignature}s and other fields that do not change the answer's
 * shape are accepted and ignored; Google's own tools ({@code googleSearch}, {@code codeExecution},
 * ...) are not offered, never a 400.
 */
final class GeminiParser {

    private final ObjectMapper json;
    private final GeminiModels models;

    GeminiParser(ObjectMapper json, GeminiModels models) {
        this.json = json;
        this.models = models;
    }

    /** @param modelName the model named in the path ({@code models/} prefix allowed) */
    ChatRequest parse(String modelName, byte[] body) {
        JsonNode root = Fields.readObject(json, body);
        // countTokens may wrap the request: {"generateContentRequest": {...}}
        if (root.path("generateContentRequest").isObject()) root = root.get("generateContentRequest");
        ModelSpec model = models.resolve(modelName);
        ToolHistory history = new ToolHistory(json);
        JsonNode contents = root.get("contents");
        if (contents == null || !contents.isArray() || contents.isEmpty()) {
            throw ApiError.invalidRequest("contents", "'contents' must be a non-empty array of Content.");
        }
        for (int i = 0; i < contents.size(); i++) content(contents.get(i), "contents[" + i + "]", model, history);
        List<Message> messages = history.messages();
        if (messages.stream().noneMatch(m -> m.role() == Role.USER)) {
            throw ApiError.invalidRequest("contents", "'contents' must hold at least one user turn.");
        }
        JsonNode config = root.path("generationConfig");
        if (!config.isMissingNode() && !config.isNull() && !config.isObject()) {
            throw ApiError.invalidRequest("generationConfig", "'generationConfig' must be an object.");
        }
        Integer candidates = Fields.optionalInt(config, "candidateCount", 1, Integer.MAX_VALUE);
        if (candidates != null && candidates > 1) {
            throw ApiError.invalidRequest("generationConfig.candidateCount", "This gateway returns one candidate; 'candidateCount' must be 1.");
        }
        ChatRequest.Sampling sampling = new ChatRequest.Sampling(
                Fields.optionalNumber(config, "temperature", 0, 2),
                Fields.optionalNumber(config, "topP", 0, 1),
                Fields.optionalInt(config, "topK", 0, Integer.MAX_VALUE),
                Fields.optionalNumber(config, "frequencyPenalty", -2, 2),
                Fields.optionalNumber(config, "presencePenalty", -2, 2));
        return new ChatRequest(modelName, model, system(root.get("systemInstruction")), messages, sampling,
                Fields.optionalInt(config, "maxOutputTokens", 1, Integer.MAX_VALUE),
                Fields.stopSequences(config.get("stopSequences"), "generationConfig.stopSequences", 5),
                tools(root.get("tools"), root.path("toolConfig").path("functionCallingConfig")), output(config));
    }

    private void content(JsonNode content, String path, ModelSpec model, ToolHistory history) {
        if (!content.isObject()) throw ApiError.invalidRequest(path, "'" + path + "' must be a Content object with 'parts'.");
        String role = content.path("role").asText("user");
        if (!role.equals("user") && !role.equals("model") && !role.equals("function")) {
            throw ApiError.invalidRequest(path + ".role", "'" + path + ".role' must be 'user' or 'model'.");
        }
        JsonNode parts = content.get("parts");
        if (parts == null || !parts.isArray()) throw ApiError.invalidRequest(path + ".parts", "'" + path + ".parts' must be an array of Part.");
        boolean user = !role.equals("model");
        List<Part> read = new ArrayList<>();
        boolean results = false;
        for (int i = 0; i < parts.size(); i++) {
            JsonNode part = parts.get(i);
            String where = path + ".parts[" + i + "]";
            if (!part.isObject()) throw ApiError.invalidRequest(where, "'" + where + "' must be a Part object.");
            if (part.has("text")) {
                if (!part.get("text").isTextual()) throw ApiError.invalidRequest(where + ".text", "'" + where + ".text' must be a string.");
                // A thought the client echoes back: the model's reasoning, which the upstream neither needs nor made.
                if (!part.path("thought").asBoolean(false)) read.add(new Text(part.get("text").asText()));
            } else if (part.has("inlineData")) {
                read.add(inlineData(part.get("inlineData"), where + ".inlineData", model, user));
            } else if (part.has("fileData")) {
                read.add(fileData(part.get("fileData"), where + ".fileData", model, user));
            } else if (part.has("functionCall")) {
                if (user) throw ApiError.invalidRequest(where, "'" + where + "': a functionCall belongs to a 'model' turn.");
                functionCall(part.get("functionCall"), where + ".functionCall", read, history);
                read = new ArrayList<>();
            } else if (part.has("functionResponse")) {
                if (!user) throw ApiError.invalidRequest(where, "'" + where + "': a functionResponse belongs to a 'user' turn.");
                functionResponse(part.get("functionResponse"), where + ".functionResponse", history);
                results = true;
            } else if (!part.has("executableCode") && !part.has("codeExecutionResult") && !onlySignature(part)) {
                throw ApiError.invalidRequest(where, "'" + where + "': unsupported part (this gateway takes text, inlineData,"
                        + " fileData, functionCall and functionResponse).");
            }
        }
        if (!user) {
            history.assistant(read);
            history.endTurn();
        } else if (results) {
            history.userAfterResults(read);
        } else {
            history.user(read);
        }
    }

    /** A part that carries only a thought signature (or is empty): nothing to send. */
    private static boolean onlySignature(JsonNode part) {
        for (var names = part.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("thoughtSignature") && !name.equals("thought") && !name.equals("partMetadata")) return false;
        }
        return true;
    }

    /** The text before a call goes with it into the model's turn, then the call. */
    private void functionCall(JsonNode call, String path, List<Part> before, ToolHistory history) {
        String name = ToolDeclarations.name(call, path);
        JsonNode args = call.get("args");
        if (args != null && !args.isNull() && !args.isObject()) {
            throw ApiError.invalidRequest(path + ".args", "'" + path + ".args' must be an object.");
        }
        history.assistant(before); // the text before the call, if any: the same turn
        history.call(call.path("id").asText(""), name, args == null || args.isNull() ? "{}" : args.toString());
    }

    /** {@code response: {output}} or {@code {error}} (Gemini CLI), or any object (its JSON). */
    private void functionResponse(JsonNode response, String path, ToolHistory history) {
        String name = ToolDeclarations.name(response, path);
        JsonNode body = response.get("response");
        if (body != null && !body.isNull() && !body.isObject()) {
            throw ApiError.invalidRequest(path + ".response", "'" + path + ".response' must be an object.");
        }
        boolean error = body != null && body.has("error") && !body.has("output");
        JsonNode shown = body == null || body.isNull() ? null : body.size() == 1 && body.has("output") ? body.get("output")
                : error && body.size() == 1 ? body.get("error") : body;
        String text = shown == null ? "" : shown.isTextual() ? shown.asText() : shown.toString();
        history.result(response.path("id").asText(""), name, text, error);
    }

    private static Part inlineData(JsonNode data, String path, ModelSpec model, boolean user) {
        String mime = data.path("mimeType").asText("");
        if (!mime.toLowerCase(Locale.ROOT).startsWith("image/") || !data.path("data").isTextual()) {
            throw ApiError.invalidRequest(path, "'" + path + "' must be an image: {\"mimeType\": \"image/...\", \"data\": base64}"
                    + " (this gateway takes no other inline data).");
        }
        return Images.image("data:" + mime + ";base64," + data.get("data").asText(), model, user, path, path + ".data");
    }

    private static Part fileData(JsonNode data, String path, ModelSpec model, boolean user) {
        String uri = data.path("fileUri").asText("");
        String lower = uri.toLowerCase(Locale.ROOT);
        String mime = data.path("mimeType").asText("image/*");
        if (!(lower.startsWith("https://") || lower.startsWith("http://")) || !mime.toLowerCase(Locale.ROOT).startsWith("image/")) {
            throw ApiError.invalidRequest(path + ".fileUri", "'" + path + "' must be an image at an http(s) URI (files uploaded to"
                    + " Google, gs:// URIs and other media are not available through this gateway).");
        }
        return Images.image(uri, model, user, path, path + ".fileUri");
    }

    private static String system(JsonNode system) {
        if (system == null || system.isNull()) return null;
        if (system.isTextual()) return system.asText();
        JsonNode parts = system.get("parts");
        if (!system.isObject() || parts == null || !parts.isArray()) {
            throw ApiError.invalidRequest("systemInstruction", "'systemInstruction' must be a Content object with text parts.");
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode part : parts) {
            if (!part.path("text").isTextual()) {
                throw ApiError.invalidRequest("systemInstruction.parts", "'systemInstruction' takes text parts only.");
            }
            texts.add(part.get("text").asText());
        }
        return String.join("\n\n", texts);
    }

    /** {@code tools[].functionDeclarations} and {@code toolConfig.functionCallingConfig}. */
    private static ToolUse tools(JsonNode toolsNode, JsonNode calling) {
        if (toolsNode == null || toolsNode.isNull()) return ToolUse.NONE;
        if (!toolsNode.isArray()) throw ApiError.invalidRequest("tools", "'tools' must be an array of Tool.");
        List<Tool> tools = new ArrayList<>();
        for (int i = 0; i < toolsNode.size(); i++) {
            JsonNode declarations = toolsNode.get(i).get("functionDeclarations");
            if (declarations == null || declarations.isNull()) continue; // Google's own tools: not offered
            String path = "tools[" + i + "].functionDeclarations";
            if (!declarations.isArray()) throw ApiError.invalidRequest(path, "'" + path + "' must be an array.");
            for (int j = 0; j < declarations.size(); j++) {
                JsonNode f = declarations.get(j);
                String where = path + "[" + j + "]";
                boolean plain = f.has("parametersJsonSchema");
                String schemaPath = where + (plain ? ".parametersJsonSchema" : ".parameters");
                JsonNode schema = ToolDeclarations.schema(plain ? f.get("parametersJsonSchema") : f.get("parameters"), schemaPath);
                tools.add(ToolDeclarations.function(f, where, f.path("description").asText(""),
                        plain ? schema : OpenApiSchemas.toJsonSchema(schema), schemaPath));
            }
        }
        if (tools.isEmpty()) return ToolUse.NONE;
        String path = "toolConfig.functionCallingConfig";
        String mode = calling.path("mode").asText("AUTO").toUpperCase(Locale.ROOT);
        if (mode.equals("NONE")) return new ToolUse(tools, ToolChoice.none());
        if (!List.of("AUTO", "ANY", "VALIDATED", "MODE_UNSPECIFIED").contains(mode)) {
            throw ApiError.invalidRequest(path + ".mode", "'" + path + ".mode' must be AUTO, ANY, NONE or VALIDATED.");
        }
        boolean required = mode.equals("ANY");
        JsonNode allowed = calling.get("allowedFunctionNames");
        ToolChoice choice = required ? ToolChoice.required() : ToolChoice.auto();
        if (allowed != null && !allowed.isNull()) {
            if (!allowed.isArray()) throw ApiError.invalidRequest(path + ".allowedFunctionNames", "'allowedFunctionNames' must be an array of names.");
            List<String> names = new ArrayList<>();
            allowed.forEach(n -> names.add(n.asText()));
            choice = ToolChoices.allowed(tools, names, required, path + ".allowedFunctionNames");
        }
        return ToolChoices.use(tools, choice, path);
    }

    /** {@code responseMimeType: application/json}, with {@code responseJsonSchema} or {@code responseSchema}: checked by the core. */
    private OutputFormat output(JsonNode config) {
        String mime = config.path("responseMimeType").asText("text/plain");
        if (mime.equals("text/plain")) return OutputFormat.TEXT;
        if (!mime.equals("application/json")) {
            throw ApiError.invalidRequest("generationConfig.responseMimeType", "'responseMimeType' must be 'text/plain' or 'application/json'.");
        }
        JsonNode schema = config.has("responseJsonSchema") ? config.get("responseJsonSchema")
                : OpenApiSchemas.toJsonSchema(config.get("responseSchema"));
        if (schema == null || schema.isNull()) return OutputFormat.JSON_OBJECT;
        if (!schema.isObject()) {
            throw ApiError.invalidRequest("generationConfig.responseSchema", "'responseSchema' must be a schema object.");
        }
        JsonOutput.compiles(json, schema);
        return OutputFormat.schema(null, schema, true);
    }
}
