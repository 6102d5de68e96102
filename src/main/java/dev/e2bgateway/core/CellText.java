package dev.e2bgateway.core;

/**
 * The one rendering of a code cell for the model (the tool result it reads): used by the live
 * turn and by both replays of earlier cells (a Responses {@code code_interpreter_call} item, a
 * Messages {@code code_execution_tool_result} block), so a continued conversation shows the model
 * what it saw when the cell ran, with the same cuts. Each kind of output is cut in the middle past
 * {@value #MAX_SECTION_CHARS} characters: it is resent with every later request of the
 * conversation, and the upstream refuses bodies over 4.5 MB.
 */
public final class CellText {

    /** Longest text of one kind the model gets back from a cell; the client's copy has its own, larger budget. */
    public static final int MAX_SECTION_CHARS = 10_000;
    /** What the model reads of a cell whose output is not known (an item sent back without its outputs). */
    public static final String UNKNOWN = "(the output of this cell is not known here)";

    private CellText() {
    }

    /** The cell's outcome as the model reads it in the tool result. */
    public static String forModel(CodeRun run) {
        if (run.failed()) {
            return cut(run.failure()) + (run.status() == CodeRun.Status.NOT_RUN ? "" : " Nothing ran. Answer without it, or try once more.");
        }
        StringBuilder out = new StringBuilder();
        section(out, "stdout", run.stdout());
        section(out, "stderr", run.stderr());
        for (String text : run.texts()) section(out, "result", text);
        if (run.error() != null) {
            // The traceback ends with the error's own line: the error once, not twice.
            String traceback = run.error().traceback();
            section(out, "error", traceback.isEmpty() ? run.error().name() + ": " + run.error().value() : traceback);
        }
        for (CodeRun.Image image : run.images()) {
            out.append("[an image (").append(image.mediaType()).append(") was produced]\n");
        }
        return out.isEmpty() ? "(the cell ran and printed nothing)" : out.toString().stripTrailing();
    }

    private static void section(StringBuilder out, String name, String text) {
        if (text == null || text.isEmpty()) return;
        text = cut(text);
        out.append(name).append(":\n").append(text);
        if (!text.endsWith("\n")) out.append('\n');
    }

    /** The text, or its head and tail around a note of what was left out. */
    static String cut(String text) {
        if (text.length() <= MAX_SECTION_CHARS) return text;
        int head = MAX_SECTION_CHARS * 3 / 5;
        int tail = MAX_SECTION_CHARS - head;
        return text.substring(0, head) + "\n[... " + (text.length() - head - tail) + " characters left out ...]\n"
                + text.substring(text.length() - tail);
    }
}
