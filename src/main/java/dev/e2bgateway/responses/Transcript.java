package dev.e2bgateway.responses;

import dev.e2bgateway.core.CellText;
import dev.e2bgateway.core.ChatRequest;
import dev.e2bgateway.core.CodeRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.core.ChatRequest.Message;
import dev.e2bgateway.core.ChatRequest.Part;
import dev.e2bgateway.core.ChatRequest.Role;
import dev.e2bgateway.core.ChatRequest.Text;
import dev.e2bgateway.dialect.Images;
import dev.e2bgateway.models.ModelSpec;
import dev.e2bgateway.tools.PythonTool;
import dev.e2bgateway.dialect.toolkit.ToolHistory;
import dev.e2bgateway.tools.Tool;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a conversation of Responses items (as {@link InputItems} shapes them) into the core's
 * terms: system and developer messages into the system prompt, the rest into user and assistant
 * messages. An assistant's text and the calls that follow it become one assistant message with
 * the calls in the call format; the outputs that follow become one user message with a
 * {@code <tool_results>} block (docs/tool-calls.md). Other item types are skipped.
 */
final class Transcript {

    /** One item and where it came from, for error messages ("input[2]", or the stored conversation). */
    record Item(JsonNode node, String path) {}

    /** @param system the system and developer messages' text, in order (empty: none) */
    record Read(List<String> system, List<Message> messages) {}

    private final ObjectMapper json;

    Transcript(ObjectMapper json) {
        this.json = json;
    }

    Read read(List<Item> items, ModelSpec model) {
        return read(items, model, PythonTool.NAME);
    }

    /** @param interpreter the name the code interpreter has for the model in this request (earlier cells are its calls) */
    Read read(List<Item> items, ModelSpec model, String interpreter) {
        Reading r = new Reading(model, interpreter);
        for (Item item : items) r.add(item);
        return new Read(r.system, r.history.messages());
    }

    /** The state of one read: what is pending until an item of another kind closes it. */
    private final class Reading {
        final ModelSpec model;
        final String interpreter;
        final List<String> system = new ArrayList<>();
        final ToolHistory history = new ToolHistory(json);

        Reading(ModelSpec model, String interpreter) {
            this.model = model;
            this.interpreter = interpreter;
        }

        void add(Item item) {
            JsonNode node = item.node();
            switch (node.path("type").asText("")) {
                case "message" -> {
                    String role = node.path("role").asText();
                    if (role.equals("assistant")) {
                        history.assistant(parts(node, item.path(), false));
                    } else if (role.equals("user")) {
                        history.user(parts(node, item.path(), true));
                    } else {
                        system.add(ChatRequest.textOf(parts(node, item.path(), false)));
                    }
                }
                case "function_call" -> {
                    String name = ResponseTools.offeredName(node.path("namespace").asText(null), node.path("name").asText());
                    history.call(node.path("call_id").asText(), name, node.path("arguments").asText("{}"));
                }
                case "custom_tool_call" -> {
                    String name = ResponseTools.offeredName(node.path("namespace").asText(null), node.path("name").asText());
                    history.call(node.path("call_id").asText(), name, json.createObjectNode().put(Tool.CUSTOM_INPUT, node.path("input").asText("")).toString());
                }
                case "function_call_output", "custom_tool_call_output" -> {
                    history.result(node.path("call_id").asText(), null, outputText(node.get("output")), false);
                }
                case "code_interpreter_call" -> {
                    // A cell the gateway ran: its call, and at once its result (the item holds both).
                    history.call(node.path("id").asText(), interpreter, json.createObjectNode().put(PythonTool.CODE,
                            node.path("code").asText("")).toString());
                    CodeRun cell = cell(node);
                    history.result(node.path("id").asText(), interpreter,
                            cell == null ? CellText.UNKNOWN : CellText.forModel(cell), cell != null && cell.failed());
                }
                default -> {
                    // reasoning, other built-in tools' calls and results, ...: nothing the upstream can use
                }
            }
        }

        List<Part> parts(JsonNode message, String path, boolean user) {
            List<Part> parts = new ArrayList<>();
            JsonNode content = message.path("content");
            for (int i = 0; i < content.size(); i++) {
                JsonNode part = content.get(i);
                String partPath = path + ".content[" + i + "]";
                switch (part.path("type").asText()) {
                    case "input_text", "output_text" -> parts.add(new Text(part.path("text").asText()));
                    case "refusal" -> parts.add(new Text(part.path("refusal").asText()));
                    case "input_image" -> parts.add(Images.image(part.path("image_url").asText(), model, user, partPath,
                            partPath + ".image_url"));
                    default -> {
                        // InputItems let no other part through
                    }
                }
            }
            return parts;
        }
    }

    /**
     * A {@code code_interpreter_call} item as the cell it stands for, for the one rendering the live
     * turn uses too: its logs (where stdout, stderr and the error are one text) and images; null
     * when the item has no outputs. A cell the sandbox could not run is one whose logs say so.
     */
    private static CodeRun cell(JsonNode item) {
        JsonNode outputs = item.get("outputs");
        if (outputs == null || !outputs.isArray()) return null;
        StringBuilder logs = new StringBuilder();
        List<CodeRun.Image> images = new ArrayList<>();
        for (JsonNode o : outputs) {
            if ("logs".equals(o.path("type").asText())) logs.append(o.path("logs").asText(""));
            else if ("image".equals(o.path("type").asText())) images.add(new CodeRun.Image(mediaType(o.path("url").asText("")), ""));
        }
        String code = item.path("code").asText("");
        String text = logs.toString();
        int failure = text.indexOf(CodeRun.FAILURE);
        if ("failed".equals(item.path("status").asText()) || failure >= 0) {
            return new CodeRun(code, CodeRun.Status.FAILED, "", "", "", null, List.of(), List.of(),
                    failure >= 0 ? text.substring(failure) : CodeRun.FAILURE + "the sandbox failed.");
        }
        return new CodeRun(code, CodeRun.Status.OK, "", text, "", null, List.of(), images, "");
    }

    /** An image output's media type, from its data: URL. */
    private static String mediaType(String url) {
        int semicolon = url.indexOf(';');
        return url.startsWith("data:") && semicolon > 5 ? url.substring(5, semicolon) : "image";
    }

    /** A tool output: a string, or parts whose text is joined (an image or file in an output is named, not sent). */
    private static String outputText(JsonNode output) {
        if (output == null || output.isNull()) return "";
        if (output.isTextual()) return output.asText();
        StringBuilder text = new StringBuilder();
        for (JsonNode part : output) {
            if (!text.isEmpty()) text.append('\n');
            String type = part.path("type").asText("part");
            if (type.equals("input_text") || type.equals("output_text")) text.append(part.path("text").asText(""));
            else text.append('[').append(type).append(" omitted]");
        }
        return text.toString();
    }

}
