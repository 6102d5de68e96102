package dev.e2bgateway.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.core.CellText;
import dev.e2bgateway.core.ChatRequest;
import dev.e2bgateway.core.CodeRun;
import dev.e2bgateway.core.JsonOutput;
import dev.e2bgateway.core.OutputFormat;
import dev.e2bgateway.core.ToolUse;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.e2bgateway.tools.PythonTool;
import dev.e2bgateway.tools.Tool;
import dev.e2bgateway.tools.ToolChoice;
import dev.e2bgateway.tools.ToolTranscript;
import dev.e2bgateway.dialect.toolkit.ToolChoices;
import dev.e2bgateway.dialect.toolkit.ToolDeclarations;
import dev.e2bgateway.dialect.toolkit.ToolHistory;
import dev.e2bgateway.core.ChatRequest.Message;
import dev.e2bgateway.core.ChatRequest.Part;
import dev.e2bgateway.core.ChatRequest.Role;
import dev.e2bgateway.core.ChatRequest.Text;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.dialect.Images;
import dev.e2bgateway.json.Fields;
import dev.e2bgateway.models.ModelRegistry;
import dev.e2bgateway.models.ModelSpec;

import java.util.ArrayList;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.function.Supplier;

/**
 * Validates an Anthropic Messages request ({@code POST /v1/messages}) and turns it into the
 * core's {@link ChatRequest}. {@code metadata} and unknown fields are ignored; {@code thread} is refused.
 */
final class MessagesParser {

    /** @param codeInterpreter whether the client asked for the code execution tool (the gateway runs it) */
    record Parsed(ChatRequest request, boolean stream, boolean codeInterpreter) {}

    /** Anthropic's error code for a request that cannot be threaded: clients resend it without {@code thread}. */
    static final String THREAD_UNSUPPORTED = "thread_unsupported_request";

    private final ObjectMapper json;
    private final Supplier<ModelRegistry> models; // read once per request: a reload swaps the registry
    private final ToolTranscript transcript;
    private final boolean interpreter;

    /** @param interpreter whether the built-in code interpreter is on (E2B_CODE_INTERPRETER) */
    MessagesParser(ObjectMapper json, Supplier<ModelRegistry> models, boolean interpreter) {
        this.interpreter = interpreter;
        this.json = json;
        this.models = models;
        this.transcript = new ToolTranscript(json);
    }

    /** A messages request; {@code max_tokens} is required. */
    Parsed parse(byte[] body) {
        return parse(body, true);
    }

    /** A count_tokens request: the same shape, without {@code max_tokens}. */
    Parsed parseForCounting(byte[] body) {
        return parse(body, false);
    }

    private Parsed parse(byte[] body, boolean needsMaxTokens) {
        JsonNode root = Fields.readObject(json, body);
        JsonNode thread = root.get("thread");
        if (thread != null && !thread.isNull()) {
            // A message thread (the server keeps the conversation; later turns send only new messages)
            // needs state this gateway does not hold. Ignoring the field would answer the next turn
            // without its history, so refuse it with the code on which the SDKs resend the turn
            // in full without a thread (their tool runners start threads on their own).
            throw ApiError.invalidRequest("thread", THREAD_UNSUPPORTED,
                    "thread: this gateway holds no message threads; send the full conversation without 'thread'");
        }
        String modelName = Fields.requiredString(root, "model");
        ModelSpec model = models.get().find(modelName).orElseThrow(() -> ApiError.modelNotFound(modelName));
        Integer maxTokens = Fields.optionalInt(root, "max_tokens", 1, Integer.MAX_VALUE);
        if (needsMaxTokens && maxTokens == null) throw ApiError.invalidRequest("max_tokens", "max_tokens: Field required");

        JsonNode messages = root.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw ApiError.invalidRequest("messages", "messages: must be a non-empty array of messages");
        }
        ToolHistory history = new ToolHistory(json);
        // Earlier code execution cells go back to the model as calls of the interpreter under the name it has now.
        String interpreterName = PythonTool.nameBeside(tools(root.get("tools"), null, false).tools());
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String path = "messages." + i;
            String role = m.path("role").asText("");
            if (!role.equals("user") && !role.equals("assistant")) {
                throw ApiError.invalidRequest(path + ".role", path + ".role: must be 'user' or 'assistant'");
            }
            JsonNode content = m.get("content");
            if (role.equals("assistant") && content != null && content.isArray()) {
                content = cells(content, history, interpreterName);
                if (content == null) continue; // the message was only cells
            }
            blocks(content, path + ".content", model, role.equals("user"), history);
        }
        List<Message> conversation = history.messages();
        if (conversation.isEmpty() || conversation.get(0).role() != Role.USER) {
            throw ApiError.invalidRequest("messages", "messages: the first message must use the 'user' role");
        }
        String system = system(root.get("system"));
        ChatRequest.Sampling sampling = new ChatRequest.Sampling(
                Fields.optionalNumber(root, "temperature", 0, 1),
                Fields.optionalNumber(root, "top_p", 0, 1),
                Fields.optionalInt(root, "top_k", 0, Integer.MAX_VALUE),
                null, null);
        List<String> stops = Fields.stopSequences(root.get("stop_sequences"), "stop_sequences", Integer.MAX_VALUE);
        boolean stream = Fields.optionalBoolean(root, "stream");
        boolean codeInterpreter = codeExecution(root.get("tools"));
        ToolUse tools = tools(root.get("tools"), root.get("tool_choice"), codeInterpreter);
        return new Parsed(new ChatRequest(modelName, model, system, conversation, sampling, maxTokens, stops, tools,
                outputFormat(root)), stream, codeInterpreter);
    }

    /**
     * Structured output: {@code output_config.format} (or the beta's {@code output_format}), a JSON
     * schema the reply must match. The core tells the model and checks the reply, as for OpenAI's
     * {@code response_format}; the SDKs' {@code messages.parse()} send it.
     */
    private OutputFormat outputFormat(JsonNode root) {
        String path = "output_config.format";
        JsonNode format = root.path("output_config").get("format");
        if (format == null || format.isNull()) {
            path = "output_format";
            format = root.get("output_format");
        }
        if (format == null || format.isNull()) return OutputFormat.TEXT;
        JsonNode schema = format.get("schema");
        if (!"json_schema".equals(format.path("type").asText()) || schema == null || !schema.isObject()) {
            throw ApiError.invalidRequest(path, path + ": must be {\"type\": \"json_schema\", \"schema\": {...}}");
        }
        JsonOutput.compiles(json, schema);
        return OutputFormat.schema(null, schema, true);
    }

    /**
     * Whether {@code tools} asks for the code execution tool. Only {@code code_execution_20250522}
     * (one Python cell per call) is run here; {@code code_execution_20250825} works through bash
     * commands and file edits in one container kept across calls, which a fresh sandbox per cell
     * cannot honestly be, so it is refused with a 400 that names the version that works.
     */
    private boolean codeExecution(JsonNode toolsNode) {
        if (toolsNode == null || !toolsNode.isArray()) return false;
        boolean asked = false;
        for (int i = 0; i < toolsNode.size(); i++) {
            String type = toolsNode.get(i).path("type").asText("");
            if (!type.startsWith("code_execution_")) continue;
            String where = "tools." + i + ".type";
            if (!interpreter) {
                throw ApiError.invalidRequest(where, where + ": the code execution tool is off on this gateway. Its operator can"
                        + " enable it with E2B_CODE_INTERPRETER=on (the code then runs in E2B sandboxes of the Fragments"
                        + " deployment the gateway calls); or leave the tool out of 'tools'");
            }
            if (!type.equals("code_execution_20250522")) {
                throw ApiError.invalidRequest(where, where + ": '" + type + "' is not offered here; use 'code_execution_20250522'"
                        + " (Python cells, each in a fresh sandbox). The bash and file-editing sub-tools of later versions"
                        + " need a container kept across calls, which this gateway does not have");
            }
            asked = true;
        }
        return asked;
    }

    /**
     * {@code tools} and {@code tool_choice}. Client tools (no {@code type}, or {@code custom}) are
     * offered; server and built-in tools ({@code web_search_*}, {@code bash_*}, {@code text_editor_*},
     * {@code computer_*}, ...) run on Anthropic's side and cannot be emulated: not offered, never a 400.
     */
    private static ToolUse tools(JsonNode toolsNode, JsonNode choiceNode, boolean codeExecution) {
        if (toolsNode == null || toolsNode.isNull()) return ToolUse.NONE;
        if (!toolsNode.isArray()) throw ApiError.invalidRequest("tools", "tools: must be an array of tools");
        List<Tool> tools = new ArrayList<>();
        for (int i = 0; i < toolsNode.size(); i++) {
            JsonNode t = toolsNode.get(i);
            String type = t.path("type").asText("custom");
            if (!type.equals("custom")) continue;
            tools.add(ToolDeclarations.function(t, "tools." + i, t.path("description").asText(""), t.get("input_schema"),
                    "tools." + i + ".input_schema"));
        }
        if (codeExecution && choiceNode != null && "tool".equals(choiceNode.path("type").asText())
                && "code_execution".equals(choiceNode.path("name").asText())) {
            // Forcing the code execution tool: the model must call the interpreter under the name it is offered as.
            ToolChoice forced = ToolChoice.named(PythonTool.nameBeside(tools));
            return new ToolUse(tools, choiceNode.path("disable_parallel_tool_use").asBoolean(false) ? forced.withParallel(false) : forced);
        }
        if (tools.isEmpty()) return ToolUse.NONE;
        ToolChoice choice = ToolChoice.auto();
        if (choiceNode != null && choiceNode.isObject()) {
            choice = switch (choiceNode.path("type").asText("auto")) {
                case "none" -> ToolChoice.none();
                case "any" -> ToolChoice.required();
                case "tool" -> {
                    String name = choiceNode.path("name").asText("").trim();
                    if (name.isEmpty()) throw ApiError.invalidRequest("tool_choice.name", "tool_choice.name: Field required");
                    yield ToolChoice.named(name);
                }
                case "auto" -> ToolChoice.auto();
                default -> throw ApiError.invalidRequest("tool_choice.type", "tool_choice.type: must be 'auto', 'any', 'tool' or 'none'");
            };
            if (choiceNode.path("disable_parallel_tool_use").asBoolean(false)) choice = choice.withParallel(false);
        }
        return ToolChoices.use(tools, choice, "tool_choice.name");
    }

    /** Block types that carry nothing the upstream can use (reasoning, server tools' traffic): skipped. */
    private static final Set<String> SKIPPED = Set.of("thinking", "redacted_thinking", "server_tool_use",
            "web_search_tool_result", "web_fetch_tool_result", "code_execution_tool_result", "mcp_tool_use", "mcp_tool_result",
            "container_upload", "search_result");

    /** One message's blocks into the history: text and images, and the calls or results among them. */
    private void blocks(JsonNode content, String path, ModelSpec model, boolean user, ToolHistory history) {
        if (content == null || content.isNull()) throw ApiError.invalidRequest(path, path + ": Field required");
        if (content.isTextual()) {
            List<Part> text = List.of(new Text(content.asText()));
            if (user) history.user(text);
            else history.assistant(text);
            if (!user) history.endTurn();
            return;
        }
        if (!content.isArray()) throw ApiError.invalidRequest(path, path + ": must be a string or an array of content blocks");
        List<Part> parts = new ArrayList<>();
        List<ToolTranscript.Call> calls = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            String where = path + "." + i;
            String type = block.path("type").asText("");
            switch (type) {
                case "text" -> {
                    if (!block.path("text").isTextual()) throw ApiError.invalidRequest(where + ".text", where + ".text: Field required");
                    parts.add(new Text(block.get("text").asText()));
                }
                case "image" -> parts.add(Images.image(imageUrl(block.path("source"), where), model, user, where,
                        where + ".source"));
                case "tool_use" -> {
                    if (user) throw ApiError.invalidRequest(where, where + ": tool_use blocks belong to assistant messages");
                    String name = block.path("name").asText("");
                    if (name.isEmpty()) throw ApiError.invalidRequest(where + ".name", where + ".name: Field required");
                    JsonNode input = block.get("input");
                    calls.add(new ToolTranscript.Call(block.path("id").asText(""), name, input == null || input.isNull() ? "{}" : input.toString()));
                }
                case "tool_result" -> {
                    if (!user) throw ApiError.invalidRequest(where, where + ": tool_result blocks belong to user messages");
                    history.result(block.path("tool_use_id").asText(""), null, resultText(block.get("content"), where),
                            block.path("is_error").asBoolean(false));
                }
                default -> {
                    if (!SKIPPED.contains(type)) {
                        throw ApiError.invalidRequest(where + ".type", where + ".type: unsupported content block '"
                                + type + "' (this gateway takes 'text', 'image', 'tool_use' and 'tool_result')");
                    }
                }
            }
        }
        if (user) {
            // Results go first in the message, in their calls' order; the text beside them follows.
            history.userAfterResults(parts);
            return;
        }
        // The message's text, then its calls in the call format, so the model sees them (docs/tool-calls.md).
        history.assistant(parts);
        for (ToolTranscript.Call call : calls) history.call(call.id(), call.name(), call.arguments());
        history.endTurn();
    }

    /**
     * An assistant message in which the code execution tool ran: each cell (its
     * {@code server_tool_use} and {@code code_execution_tool_result}) goes into the conversation
     * as the model's call of the interpreter, with the text before it, and a result message, as
     * the model saw it when it ran. Returns the blocks after the last cell, for the message itself (null: none).
     */
    private JsonNode cells(JsonNode content, ToolHistory history, String name) {
        int last = -1;
        for (int i = 0; i < content.size(); i++) {
            if ("code_execution_tool_result".equals(content.get(i).path("type").asText())) last = i;
        }
        if (last < 0) return content;
        List<String> text = new ArrayList<>();
        List<ToolTranscript.Call> calls = new ArrayList<>();
        Map<String, String> codes = new HashMap<>();
        for (int i = 0; i <= last; i++) {
            JsonNode block = content.get(i);
            switch (block.path("type").asText()) {
                case "text" -> text.add(block.path("text").asText(""));
                case "server_tool_use" -> {
                    if (!"code_execution".equals(block.path("name").asText())) continue;
                    String code = block.path("input").path("code").asText("");
                    codes.put(block.path("id").asText(""), code);
                    calls.add(new ToolTranscript.Call(block.path("id").asText(""), name, json.createObjectNode().put(PythonTool.CODE, code).toString()));
                }
                case "code_execution_tool_result" -> {
                    String id = block.path("tool_use_id").asText("");
                    if (!codes.containsKey(id)) continue;
                    history.add(new Message(Role.ASSISTANT, List.of(new Text(transcript.assistant(String.join("", text), calls)))));
                    CodeRun cell = cell(codes.get(id), block.path("content"));
                    history.add(new Message(Role.USER, List.of(new Text(transcript.results(
                            List.of(new ToolTranscript.Result(id, name, CellText.forModel(cell), cell.failed())))))));
                    text.clear();
                    calls = new ArrayList<>();
                }
                default -> {
                    // other blocks before a cell carry nothing the model needs again
                }
            }
        }
        ArrayNode rest = json.createArrayNode();
        for (int i = last + 1; i < content.size(); i++) rest.add(content.get(i));
        return rest.isEmpty() ? null : rest;
    }

    /**
     * A {@code code_execution_tool_result}'s content as the cell it stands for, for the one
     * rendering the live turn uses too: stdout, stderr (where the traceback went), the results'
     * text, or the error code of a cell the sandbox could not run.
     */
    private static CodeRun cell(String code, JsonNode result) {
        if (!"code_execution_result".equals(result.path("type").asText())) {
            String error = result.path("error_code").asText("unavailable");
            return new CodeRun(code, error.equals("too_many_requests") ? CodeRun.Status.NOT_RUN : CodeRun.Status.FAILED, "", "", "",
                    null, List.of(), List.of(), CodeRun.FAILURE + error + ".");
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode part : result.path("content")) {
            if (part.path("text").isTextual()) texts.add(part.get("text").asText());
        }
        return new CodeRun(code, result.path("return_code").asInt(0) == 0 ? CodeRun.Status.OK : CodeRun.Status.ERROR, "",
                result.path("stdout").asText(""), result.path("stderr").asText(""), null, texts, List.of(), "");
    }

    /** A tool result's content: a string, or blocks whose text is joined (an image in a result is named, not sent). */
    private static String resultText(JsonNode content, String where) {
        if (content == null || content.isNull()) return "";
        if (content.isTextual()) return content.asText();
        if (!content.isArray()) throw ApiError.invalidRequest(where + ".content", where + ".content: must be a string or an array of blocks");
        StringBuilder text = new StringBuilder();
        for (JsonNode block : content) {
            if (!text.isEmpty()) text.append("\n");
            if ("text".equals(block.path("type").asText())) text.append(block.path("text").asText(""));
            else text.append("[").append(block.path("type").asText("block")).append(" omitted]");
        }
        return text.toString();
    }

    /** A base64 source as a data: URL, or a url source as it is. */
    private static String imageUrl(JsonNode source, String where) {
        String type = source.path("type").asText();
        if ("url".equals(type) && source.path("url").isTextual()) return source.get("url").asText();
        if (!"base64".equals(type) || !source.path("media_type").asText("").startsWith("image/") || !source.path("data").isTextual()) {
            throw ApiError.invalidRequest(where + ".source",
                    where + ".source: an image needs a base64 source with an image/* media_type, or a url source");
        }
        return "data:" + source.get("media_type").asText() + ";base64," + source.get("data").asText();
    }

    private static String system(JsonNode system) {
        if (system == null || system.isNull()) return null;
        if (system.isTextual()) return system.asText();
        if (!system.isArray()) throw ApiError.invalidRequest("system", "system: must be a string or an array of text blocks");
        List<String> texts = new ArrayList<>();
        for (JsonNode block : system) {
            if (!"text".equals(block.path("type").asText()) || !block.path("text").isTextual()) {
                throw ApiError.invalidRequest("system", "system: only text blocks are accepted");
            }
            texts.add(block.get("text").asText());
        }
        return String.join("\n\n", texts);
    }
}
