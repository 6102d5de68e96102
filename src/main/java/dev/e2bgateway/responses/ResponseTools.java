package dev.e2bgateway.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.e2bgateway.core.ToolUse;
import dev.e2bgateway.dialect.toolkit.ToolChoices;
import dev.e2bgateway.dialect.toolkit.ToolDeclarations;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.tools.PythonTool;
import dev.e2bgateway.tools.Tool;
import dev.e2bgateway.tools.ToolChoice;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tool fields of a Responses request: {@code tools} ({@code function} and {@code custom}
 * tools, and {@code namespace} groups of them), {@code tool_choice} and
 * {@code parallel_tool_calls}. Built-in tools ({@code web_search}, {@code file_search},
 * {@code computer_use_preview}, {@code mcp}, ...) run on OpenAI's side and cannot be emulated:
 * they are not offered, never a 400. {@code code_interpreter} is run by the gateway itself when
 * E2B_CODE_INTERPRETER is on (core InterpreterLoop), and is a 400 saying so when it is off.
 *
 * <p>A namespaced function is offered to the model as {@code <namespace>.<name>} (function names
 * cannot contain a dot, so this never collides with a plain one), and its calls go back to the
 * client as the Responses API returns them: {@code name} the function's own name, and
 * {@code namespace} (openai npm 6.30+ {@code ResponseFunctionToolCall.namespace}).
 */
final class ResponseTools {

    /** Where an offered tool came from: its namespace (null for a top-level tool), its own name, its kind. */
    record Origin(String namespace, String name, Tool.Kind kind) {}

    private final ToolUse use;
    private final Map<String, Origin> origins;
    private final ArrayNode echo;
    private final JsonNode choiceEcho;
    private final boolean parallel;
    private final boolean codeInterpreter;

    private ResponseTools(ToolUse use, Map<String, Origin> origins, ArrayNode echo, JsonNode choiceEcho, boolean parallel,
                          boolean codeInterpreter) {
        this.use = use;
        this.origins = origins;
        this.echo = echo;
        this.choiceEcho = choiceEcho;
        this.parallel = parallel;
        this.codeInterpreter = codeInterpreter;
    }

    /** Whether the client asked for the built-in {@code code_interpreter} (the gateway runs it: docs/code-interpreter.md). */
    boolean codeInterpreter() {
        return codeInterpreter;
    }

    /** The name the model is offered (and writes back) for a tool of this namespace. */
    static String offeredName(String namespace, String name) {
        return namespace == null || namespace.isEmpty() ? name : namespace + "." + name;
    }

    ToolUse use() {
        return use;
    }

    /** Where a call's tool came from; a name not offered (cannot happen: the core checks) maps to itself. */
    Origin origin(String offeredName) {
        Origin origin = origins.get(offeredName);
        return origin != null ? origin : new Origin(null, offeredName, Tool.Kind.FUNCTION);
    }

    /** The tools as the response object lists them: the offered ones as sent, built-in ones left out. */
    ArrayNode echo(ObjectMapper json) {
        return echo == null ? json.createArrayNode() : echo.deepCopy();
    }

    JsonNode choiceEcho(ObjectMapper json) {
        return choiceEcho == null ? json.getNodeFactory().textNode("auto") : choiceEcho.deepCopy();
    }

    boolean parallel() {
        return parallel;
    }

    /** The 400 for a {@code code_interpreter} tool while the interpreter is off: it says how to turn it on. */
    static final String INTERPRETER_OFF = "The built-in 'code_interpreter' tool is off on this gateway. Its operator can"
            + " enable it with E2B_CODE_INTERPRETER=on (the code then runs in E2B sandboxes of the Fragments deployment"
            + " the gateway calls); or leave the tool out of 'tools'.";

    /** @param interpreter whether the built-in code interpreter is on (E2B_CODE_INTERPRETER) */
    static ResponseTools parse(JsonNode root, ObjectMapper json, boolean interpreter) {
        boolean parallel = true;
        JsonNode parallelNode = root.get("parallel_tool_calls");
        if (parallelNode != null && !parallelNode.isNull()) {
            if (!parallelNode.isBoolean()) throw ApiError.invalidRequest("parallel_tool_calls", "'parallel_tool_calls' must be a boolean.");
            parallel = parallelNode.asBoolean();
        }
        JsonNode toolsNode = root.get("tools");
        JsonNode choiceNode = root.get("tool_choice");
        if (toolsNode == null || toolsNode.isNull()) return new ResponseTools(ToolUse.NONE, Map.of(), null, choiceNode, parallel, false);
        if (!toolsNode.isArray()) throw ApiError.invalidRequest("tools", "'tools' must be an array of tools.");

        List<Tool> tools = new ArrayList<>();
        Map<String, Origin> origins = new HashMap<>();
        ArrayNode echo = json.createArrayNode();
        boolean codeInterpreter = false;
        for (int i = 0; i < toolsNode.size(); i++) {
            JsonNode t = toolsNode.get(i);
            String path = "tools[" + i + "]";
            if (!t.isObject() || !t.path("type").isTextual()) {
                throw ApiError.invalidRequest(path + ".type", "Each tool needs a 'type' ('function', 'custom', 'namespace', ...).");
            }
            switch (t.get("type").asText()) {
                case "function" -> {
                    add(function(t, path, null, null), null, tools, origins);
                    echo.add(functionEcho(t));
                }
                case "custom" -> {
                    add(custom(t, path, null), null, tools, origins);
                    echo.add(t.deepCopy());
                }
                case "namespace" -> {
                    String namespace = ToolDeclarations.name(t, path);
                    JsonNode inner = t.get("tools");
                    if (inner == null || !inner.isArray()) {
                        throw ApiError.invalidRequest(path + ".tools", "A namespace needs 'tools', an array of function and custom tools.");
                    }
                    String about = t.path("description").asText("");
                    ObjectNode namespaceEcho = t.deepCopy();
                    ArrayNode innerEcho = namespaceEcho.putArray("tools");
                    for (int j = 0; j < inner.size(); j++) {
                        JsonNode f = inner.get(j);
                        String innerPath = path + ".tools[" + j + "]";
                        String type = f.path("type").asText("function");
                        if (type.equals("function")) {
                            add(function(f, innerPath, namespace, about), namespace, tools, origins);
                            innerEcho.add(functionEcho(f));
                        } else if (type.equals("custom")) {
                            add(custom(f, innerPath, namespace), namespace, tools, origins);
                            innerEcho.add(f.deepCopy());
                        } else {
                            throw ApiError.invalidRequest(innerPath + ".type", "A namespace holds 'function' and 'custom' tools, not '" + type + "'.");
                        }
                    }
                    echo.add(namespaceEcho);
                }
                case "code_interpreter" -> {
                    if (!interpreter) throw ApiError.invalidRequest(path + ".type", INTERPRETER_OFF);
                    codeInterpreter = true;
                    echo.add(t.deepCopy());
                }
                default -> {
                    // Built-in tools run on OpenAI's side; nothing here can run them (docs/api-responses.md).
                }
            }
        }
        if (codeInterpreter && choiceNode != null && "code_interpreter".equals(choiceNode.path("type").asText())) {
            // Forcing the built-in: the model must call it under the name it is offered as (InterpreterLoop adds it).
            ToolChoice forced = ToolChoice.named(PythonTool.nameBeside(tools)).withParallel(parallel);
            return new ResponseTools(new ToolUse(tools, forced), Map.copyOf(origins), echo, choiceNode, parallel, true);
        }
        if (tools.isEmpty()) return new ResponseTools(ToolUse.NONE, Map.of(), echo, choiceNode, parallel, codeInterpreter);
        ToolChoice choice = choice(choiceNode, tools, origins).withParallel(parallel);
        return new ResponseTools(ToolChoices.use(tools, choice, "tool_choice"), Map.copyOf(origins), echo, choiceNode, parallel,
                codeInterpreter);
    }

    private static void add(Tool tool, String namespace, List<Tool> tools, Map<String, Origin> origins) {
        String own = namespace == null ? tool.name() : tool.name().substring(namespace.length() + 1);
        origins.put(tool.name(), new Origin(namespace, own, tool.kind()));
        tools.add(tool);
    }

    private static Tool function(JsonNode f, String path, String namespace, String namespaceAbout) {
        String name = ToolDeclarations.name(f, path);
        JsonNode parameters = ToolDeclarations.schema(f.get("parameters"), path + ".parameters");
        return Tool.function(offeredName(namespace, name), describe(f, namespace, namespaceAbout), parameters);
    }

    /** A custom tool takes free text; a grammar it gives is told to the model, which writes the input to it. */
    private static Tool custom(JsonNode c, String path, String namespace) {
        String name = ToolDeclarations.name(c, path);
        String description = describe(c, namespace, null);
        JsonNode format = c.path("format");
        if ("grammar".equals(format.path("type").asText()) && format.path("definition").isTextual()) {
            description += "\n\nThe input must follow this " + format.path("syntax").asText("") + " grammar:\n"
                    + format.get("definition").asText();
        }
        return Tool.custom(offeredName(namespace, name), description);
    }

    private static String describe(JsonNode tool, String namespace, String namespaceAbout) {
        String description = tool.path("description").asText("");
        if (namespace == null) return description;
        String group = "(One of the '" + namespace + "' tools" + (namespaceAbout == null || namespaceAbout.isBlank() ? "" : ": "
                + namespaceAbout.strip()) + ")";
        return description.isBlank() ? group : description + "\n" + group;
    }

    /** A function tool as the response lists it: {@code parameters} and {@code strict} are always there (null when not sent). */
    private static ObjectNode functionEcho(JsonNode f) {
        ObjectNode echo = f.deepCopy();
        if (!echo.has("type")) echo.put("type", "function");
        if (!echo.has("parameters")) echo.putNull("parameters");
        if (!echo.has("strict")) echo.putNull("strict");
        return echo;
    }

    /** Tool types a {@code tool_choice} may force that run on OpenAI's side. */
    private static final Set<String> BUILT_IN = Set.of("file_search", "web_search", "web_search_preview",
            "web_search_preview_2025_03_11", "web_search_2025_08_26", "computer", "computer_use", "computer_use_preview",
            "image_generation", "code_interpreter", "mcp", "apply_patch", "shell", "local_shell", "tool_search",
            "programmatic_tool_calling");

    private static ToolChoice choice(JsonNode node, List<Tool> tools, Map<String, Origin> origins) {
        if (node == null || node.isNull()) return ToolChoice.auto();
        if (node.isTextual()) return ToolChoices.word(node);
        if (!node.isObject()) throw ApiError.invalidRequest("tool_choice", "'tool_choice' must be 'none', 'auto', 'required' or an object.");
        String type = node.path("type").asText("");
        if (type.equals("function") || type.equals("custom")) {
            String name = node.path("name").asText("");
            if (name.isBlank()) throw ApiError.invalidRequest("tool_choice.name", "'tool_choice.name' is a required property.");
            return ToolChoice.named(resolve(name, origins));
        }
        if (type.equals("allowed_tools")) return allowed(node, tools, origins);
        if (BUILT_IN.contains(type)) {
            throw ApiError.invalidRequest("tool_choice.type", "'tool_choice' forces the built-in tool '" + type
                    + "', which this gateway does not offer (only function, custom and namespace tools are).");
        }
        throw ApiError.invalidRequest("tool_choice.type", "'tool_choice.type' must be 'function', 'custom' or 'allowed_tools'.");
    }

    /** A tool's offered name from the name a client uses: its own, or a namespaced function's inner name when only one has it. */
    private static String resolve(String name, Map<String, Origin> origins) {
        if (origins.containsKey(name)) return name;
        List<String> matches = origins.entrySet().stream().filter(e -> e.getValue().name().equals(name)).map(Map.Entry::getKey).toList();
        return matches.size() == 1 ? matches.get(0) : name;
    }

    /** {@code allowed_tools}: only these may be used; {@code mode: required} means one of them must be. */
    private static ToolChoice allowed(JsonNode node, List<Tool> tools, Map<String, Origin> origins) {
        JsonNode list = node.get("tools");
        if (list == null || !list.isArray()) {
            throw ApiError.invalidRequest("tool_choice.tools", "'tool_choice.tools' must be an array of {\"type\", \"name\"}.");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode t : list) {
            String name = t.path("name").asText("");
            String namespace = t.path("namespace").asText(null);
            names.add(namespace == null ? resolve(name, origins) : offeredName(namespace, name));
        }
        return ToolChoices.allowed(tools, names, "required".equals(node.path("mode").asText()), "tool_choice.tools");
    }
}
