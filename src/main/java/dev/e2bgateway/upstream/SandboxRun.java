package dev.e2bgateway.upstream;

import java.util.List;

/**
 * What one Python cell sent to {@code POST /api/sandbox} came to: its output, or why there is none.
 * A Python exception in the cell is an output ({@link Outcome#RUNTIME_ERROR}), not a failure.
 *
 * @param sandboxId the E2B sandbox that ran it ({@code sbxId}), or "" when none answered
 * @param stdout    the cell's standard output, its chunks joined
 * @param stderr    its standard error, joined
 * @param error     the Python exception that ended it, or null
 * @param texts     the text form of each cell result that has one (the value of the last expression, ...)
 * @param images    the PNG and JPEG results
 * @param detail    for a failure, what went wrong, in words fit for the model and the logs (never the code)
 * @param imagesLeftOut images the cell made that did not fit in its output budget
 */
public record SandboxRun(Outcome outcome, String sandboxId, String stdout, String stderr, RuntimeError error, List<String> texts,
                         List<Image> images, String detail, int imagesLeftOut) {

    public SandboxRun {
        texts = List.copyOf(texts);
        images = List.copyOf(images);
    }

    /** How the call ended; {@link #label} names it in metrics. */
    public enum Outcome {
        OK("ok"), RUNTIME_ERROR("runtime_error"), HTTP_ERROR("http_error"), HTML("html"), TIMEOUT("timeout"),
        BAD_JSON("bad_json"), NETWORK("network"), CANCELLED("cancelled");

        public final String label;

        Outcome(String label) {
            this.label = label;
        }
    }

    /** The cell's Python exception: its class name, message and formatted traceback. */
    public record RuntimeError(String name, String value, String traceback) {}

    /** An image result: {@code mediaType} image/png or image/jpeg, the bytes in base64 without a data: prefix. */
    public record Image(String mediaType, String base64) {}

    /** Whether the cell ran (with or without a Python exception). */
    public boolean ran() {
        return outcome == Outcome.OK || outcome == Outcome.RUNTIME_ERROR;
    }

    public static SandboxRun failed(Outcome outcome, String detail) {
        return new SandboxRun(outcome, "", "", "", null, List.of(), List.of(), detail, 0);
    }
}
