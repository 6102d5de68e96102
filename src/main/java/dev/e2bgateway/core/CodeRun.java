package dev.e2bgateway.core;

import java.util.List;

/**
 * One Python cell the gateway ran for the model (the built-in code interpreter), as the dialects
 * show it: the code, and what came of it.
 *
 * @param sandboxId the E2B sandbox that ran it, or "" when the sandbox failed before one answered
 * @param error     the Python exception that ended the cell, or null
 * @param texts     the text of the cell's results (the last expression's value, ...)
 * @param images    PNG and JPEG results
 * @param failure   why the cell did not run, when it {@link #failed()}; "" otherwise
 */
public record CodeRun(String code, Status status, String sandboxId, String stdout, String stderr, Error error,
                      List<String> texts, List<Image> images, String failure) {

    /** How the text of a failed cell begins (the model, the logs and a replayed history read it). */
    public static final String FAILURE = "The sandbox could not run this cell: ";

    public CodeRun {
        texts = List.copyOf(texts);
        images = List.copyOf(images);
    }

    public enum Status {
        /** The cell ran to its end. */
        OK,
        /** The cell ran and raised a Python exception: its output says which. */
        ERROR,
        /** The sandbox could not run it (a 500, an HTML page, an unreadable answer, no connection). */
        FAILED,
        /** No answer came in time (the route's 60 s, or E2B_SANDBOX_TIMEOUT_MS). */
        TIMED_OUT,
        /** Not sent to the sandbox: the turn had run its budget of cells (E2B_INTERPRETER_CELLS_PER_TURN). */
        NOT_RUN
    }

    /** Whether the sandbox failed to give the cell's output (as opposed to a cell that ran, with or without an exception). */
    public boolean failed() {
        return status == Status.FAILED || status == Status.TIMED_OUT || status == Status.NOT_RUN;
    }

    /** The characters of output the cell keeps (what the turn's output budget counts). */
    public long size() {
        long size = stdout.length() + stderr.length() + failure.length();
        if (error != null) size += error.name().length() + error.value().length() + error.traceback().length();
        for (String text : texts) size += text.length();
        for (Image image : images) size += image.base64().length();
        return size;
    }

    /** A Python exception: class name, message, formatted traceback. */
    public record Error(String name, String value, String traceback) {}

    /** An image result: {@code mediaType} image/png or image/jpeg, the bytes in base64. */
    public record Image(String mediaType, String base64) {

        public String dataUrl() {
            return "data:" + mediaType + ";base64," + base64;
        }
    }

    /** What a shell would say: 0 when the cell ran to its end, 1 otherwise. */
    public int returnCode() {
        return status == Status.OK ? 0 : 1;
    }

    /**
     * Everything the cell wrote, as one log text (the Responses API's {@code logs} output, which
     * has no separate streams), in the order a notebook shows it: stdout, stderr, the results'
     * text (the last expression's value comes after what the cell printed), then the exception
     * that ended the cell; each part on lines of its own.
     */
    public String logs() {
        StringBuilder out = new StringBuilder();
        line(out, stdout);
        line(out, stderr);
        for (String text : texts) line(out, text);
        if (error != null) line(out, error.traceback().isEmpty() ? error.name() + ": " + error.value() : error.traceback());
        if (failed()) line(out, failure);
        return out.toString();
    }

    private static void line(StringBuilder out, String text) {
        if (text.isEmpty()) return;
        if (!out.isEmpty() && out.charAt(out.length() - 1) != '\n') out.append('\n');
        out.append(text);
    }
}
