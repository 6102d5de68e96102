package dev.e2bgateway.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * The part of the system prompt that offers tools: how to call (the contract's format,
 * docs/tool-calls.md, with an example), what the tool choice asks for, and each
 * offered tool with its description and compacted parameter schema.
 *
 * <p>Compact on purpose: it goes out with every request of a conversation, and agents
 * offer dozens of tools. The wording is plain rules, one per line; the schemas are
 * compact JSON with noise removed ({@link CompactSchema}).
 */
public final class ToolPrompt {

    private static final String FORMAT = """
            # Tools

            You can call the tools listed below. To call tools, write one block in exactly this \
            format in your reply, after anything you want to say:
            <tool_calls>
            <invoke name="TOOL_NAME">
            <parameter name="PARAMETER_NAME">value</parameter>
            </invoke>
            </tool_calls>
            Rules:
            """;

    private static final String RULES = """
            - A string parameter's value is raw text: no quotes and no escaping; write quotes, \
            backslashes, <, & and newlines as they are. Put a multi-line value on lines of its own. \
            Any other type is JSON: 3, true, null, ["a"], {"k": 1}.
            - Call only the tools below, with only their listed parameters, and give every required one.
            - Write the block as plain text, not in a code fence. Make the call; do not just say you will.
            - Stop right after </tool_calls>. The results come in the next message, inside <tool_results>,             each with the id of its call. Calls in earlier messages show that id; never write an id yourself.
            """;

    private static final String PARALLEL = "- Several <invoke> in one block are several calls, run in parallel.\n";
    private static final String ONE_CALL = "- Make at most one call per reply: a single <invoke>.\n";
    private static final String AUTO = "- Call a tool when it helps; otherwise just answer, without the block.\n";
    private static final String REQUIRED = "- This reply must call at least one tool.\n";

    private static final String EXAMPLE = """
            Example (the tool is made up):
            <tool_calls>
            <invoke name="save_note">
            <parameter name="title">Groceries</parameter>
            <parameter name="text">
            Milk & "good" bread
            <2 kg apples
            </parameter>
            <parameter name="pinned">true</parameter>
            </invoke>
            </tool_calls>
            """;

    private static final String LIST_HEADING = "\n## Available tools\n";

    /** Said instead when the client sent tools but chose none: earlier calls stay readable. */
    private static final String NO_TOOLS = "# Tools\n\nNo tools are available for this reply: answer in text, "
            + "without <tool_calls>.\n";

    private final ObjectWriter compact;

    public ToolPrompt(ObjectMapper json) {
        this.compact = json.writer().without(SerializationFeature.INDENT_OUTPUT);
    }

    /**
     * The tools section of the system prompt; "" when the client sent no tools.
     *
     * @throws IllegalArgumentException when the choice names a tool not among {@code tools}
     */
    public String render(List<Tool> tools, ToolChoice choice) {
        if (tools.isEmpty()) {
            return "";
        }
        List<Tool> offered = choice.offered(tools);
        if (offered.isEmpty()) {
            return NO_TOOLS;
        }
        StringBuilder out = new StringBuilder(FORMAT);
        out.append(choice.parallel() ? PARALLEL : ONE_CALL);
        out.append(RULES);
        switch (choice.mode()) {
            case AUTO -> out.append(AUTO);
            case REQUIRED -> out.append(REQUIRED);
            case NAMED -> out.append("- This reply must call the tool ").append(choice.toolName()).append(".\n");
            case NONE -> throw new IllegalStateException("none offers no tools");
        }
        out.append('\n').append(EXAMPLE).append(LIST_HEADING);
        for (Tool tool : offered) {
            out.append("\n### ").append(tool.name()).append('\n');
            String description = tool.description().strip();
            if (!description.isEmpty()) {
                out.append(description).append('\n');
            }
            ObjectNode parameters = CompactSchema.of(tool.parameters());
            out.append("Parameters: ").append(parameters.isEmpty() ? "none" : json(parameters)).append('\n');
        }
        return out.toString();
    }

    private String json(ObjectNode schema) {
        try {
            return compact.writeValueAsString(schema);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
