package dev.e2bgateway.tools;

import java.util.List;
import java.util.Objects;

/**
 * Which tools the model may or must call in one reply, and whether it may make several
 * calls at once (OpenAI {@code tool_choice} / {@code parallel_tool_calls}, Anthropic
 * {@code tool_choice} with {@code disable_parallel_tool_use}).
 *
 * @param mode     none, auto, required (any tool) or named (one tool)
 * @param toolName the tool a {@link Mode#NAMED} choice names; null otherwise
 * @param parallel whether one reply may hold more than one call
 */
public record ToolChoice(Mode mode, String toolName, boolean parallel) {

    /** What the model may do with the offered tools. */
    public enum Mode { NONE, AUTO, REQUIRED, NAMED }

    public ToolChoice {
        Objects.requireNonNull(mode, "mode");
        if (mode == Mode.NAMED && (toolName == null || toolName.isBlank())) {
            throw new IllegalArgumentException("a named tool choice needs a tool name");
        }
        if (mode != Mode.NAMED) {
            toolName = null;
        }
    }

    public static ToolChoice none() {
        return new ToolChoice(Mode.NONE, null, true);
    }

    public static ToolChoice auto() {
        return new ToolChoice(Mode.AUTO, null, true);
    }

    public static ToolChoice required() {
        return new ToolChoice(Mode.REQUIRED, null, true);
    }

    public static ToolChoice named(String toolName) {
        return new ToolChoice(Mode.NAMED, toolName, true);
    }

    public ToolChoice withParallel(boolean parallel) {
        return new ToolChoice(mode, toolName, parallel);
    }

    /**
     * The tools this choice lets the model call: none for {@link Mode#NONE}, only the named
     * one for {@link Mode#NAMED}, all of them otherwise.
     *
     * @throws IllegalArgumentException when the named tool is not among {@code tools}
     *                                  (the request is invalid: the caller answers 400)
     */
    public List<Tool> offered(List<Tool> tools) {
        return switch (mode) {
            case NONE -> List.of();
            case AUTO, REQUIRED -> List.copyOf(tools);
            case NAMED -> tools.stream()
                    .filter(t -> t.name().equals(toolName))
                    .findFirst()
                    .map(List::of)
                    .orElseThrow(() -> new IllegalArgumentException(
                            "tool_choice names \"" + toolName + "\", which is not among the tools"));
        };
    }
}
