package dev.e2bgateway.tools;

/**
 * What {@link ToolCallParser} finds in a reply, in reply order.
 *
 * <p>The reply the client sees is the {@link #visibleText()} of every event, in order,
 * plus the calls. Two kinds of event carry visible text: {@link Text} and {@link
 * Rejected} (a would-be call that is shown as the text the model wrote).
 */
public sealed interface ToolCallEvent {

    /** The text this event adds to the visible reply ("" for most kinds). */
    default String visibleText() {
        return "";
    }

    /** Visible reply text, forwarded as soon as it cannot be the start of a call block. */
    record Text(String text) implements ToolCallEvent {
        @Override
        public String visibleText() {
            return text;
        }
    }

    /**
     * A call begins. Emitted with its {@link CallCompleted} once {@code </invoke>} is read
     * and the call is known to be valid, never earlier: a call already announced to a
     * client cannot be taken back if it later turns out invalid.
     *
     * @param index the call's position among this reply's calls, from 0
     */
    record CallStarted(int index, String name) implements ToolCallEvent {
    }

    /**
     * A valid call to an offered tool.
     *
     * @param index     as in {@link CallStarted}
     * @param arguments the arguments, a compact JSON object
     */
    record CallCompleted(int index, String name, String arguments) implements ToolCallEvent {
    }

    /**
     * Model output that looked like a call but cannot become a valid call to an offered
     * tool. It is shown as text, never dropped (docs/tool-calls.md), and counted.
     *
     * @param text   the raw text as the model wrote it; part of the visible reply
     * @param reason why, for a metrics label
     * @param detail the specifics, for a log line
     */
    record Rejected(String text, Reason reason, String detail) implements ToolCallEvent {
        @Override
        public String visibleText() {
            return text;
        }
    }

    /**
     * Model output not shown: what follows a block that made calls (the contract drops
     * text after {@code </tool_calls>}; it is usually a made-up tool result), and stray text
     * between the calls inside such a block. Reported once, by {@code finish()}, so the
     * caller can log it at DEBUG. Never reported when blank.
     */
    record Dropped(String text) implements ToolCallEvent {
    }

    /** Why a would-be call was shown as text. */
    enum Reason {
        /** The name is not an offered tool (or not the one a named tool choice allows). */
        UNKNOWN_TOOL,
        /** A required parameter is missing. */
        MISSING_REQUIRED,
        /** A non-string parameter's value is not JSON. */
        INVALID_JSON,
        /** A non-string parameter's JSON value has a type the schema does not allow. */
        WRONG_TYPE,
        /** A parameter the schema does not declare, where it forbids extra ones. */
        UNKNOWN_PARAMETER,
        /** The same parameter twice. */
        DUPLICATE_PARAMETER,
        /** Text that is not a parameter inside an invoke, or an element without a name. */
        MALFORMED,
        /** The reply ended inside the call. */
        UNCLOSED,
        /** A {@code <tool_calls>} block with no {@code <invoke>} in it. */
        EMPTY_BLOCK,
        /** A second call when the tool choice allows one call per reply. */
        PARALLEL_NOT_ALLOWED
    }
}
