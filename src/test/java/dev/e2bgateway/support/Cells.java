package dev.e2bgateway.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * Answers of the fake {@code POST /api/sandbox}, shaped as the Fragments route sends them
 * (docs/upstream.md): JSON with a text/plain content type, {@code stdout} and
 * {@code stderr} as arrays of chunks, {@code runtimeError} only on a Python exception,
 * {@code cellResults} as the E2B SDK's {@code Result} objects, images in base64 without a prefix.
 */
public final class Cells {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A 1x1 PNG, base64. */
    public static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

    private Cells() {
    }

    /** A cell that printed these chunks and returned nothing. */
    public static Script printed(String sandboxId, String... stdout) {
        return answer(sandboxId, List.of(stdout), List.of(), null, List.of());
    }

    /** A cell that printed, and whose last expression was a figure (a PNG result with its text form). */
    public static Script plotted(String sandboxId, String stdout) {
        ObjectNode figure = JSON.createObjectNode().put("text", "<Figure size 640x480 with 1 Axes>").put("png", PNG)
                .put("isMainResult", true);
        figure.putArray("extra");
        return answer(sandboxId, List.of(stdout), List.of(), null, List.of(figure));
    }

    /** A cell whose value was text (the last expression's repr). */
    public static Script valued(String sandboxId, String text) {
        ObjectNode result = JSON.createObjectNode().put("text", text).put("isMainResult", true);
        return answer(sandboxId, List.of(), List.of(), null, List.of(result));
    }

    /** A cell that raised a Python exception after printing to stderr. */
    public static Script raised(String sandboxId, String name, String value, String stderr) {
        ObjectNode error = JSON.createObjectNode().put("name", name).put("value", value)
                .put("traceback", "Traceback (most recent call last):\n  Cell In[1], line 1\n" + name + ": " + value);
        return answer(sandboxId, List.of(), List.of(stderr), error, List.of());
    }

    private static Script answer(String sandboxId, List<String> stdout, List<String> stderr, ObjectNode error, List<ObjectNode> results) {
        ObjectNode o = JSON.createObjectNode().put("sbxId", sandboxId).put("template", "code-interpreter-v1");
        ArrayNode out = o.putArray("stdout");
        stdout.forEach(out::add);
        ArrayNode err = o.putArray("stderr");
        stderr.forEach(err::add);
        if (error != null) o.set("runtimeError", error);
        o.putArray("cellResults").addAll(results);
        try {
            return Script.ok(JSON.writeValueAsString(o)).header("Content-Type", "text/plain;charset=UTF-8");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
