package dev.e2bgateway.core;

import dev.e2bgateway.tools.Tool;
import dev.e2bgateway.tools.ToolChoice;

import java.util.List;

/**
 * The tools a client sent and what the model may do with them (docs/tool-calls.md).
 * Tools the upstream cannot emulate (server tools, built-ins) never get here: the dialects
 * leave them out.
 */
public record ToolUse(List<Tool> tools, ToolChoice choice) {

    public static final ToolUse NONE = new ToolUse(List.of(), ToolChoice.auto());

    public ToolUse {
        tools = List.copyOf(tools);
    }

    /** The tools the model is offered for this reply (none when the choice is none). */
    public List<Tool> offered() {
        return choice.offered(tools);
    }

    /** Whether the reply is read for calls at all. */
    public boolean active() {
        return !offered().isEmpty();
    }
}
