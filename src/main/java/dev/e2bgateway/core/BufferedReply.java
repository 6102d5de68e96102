package dev.e2bgateway.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A sink that keeps the whole reply, for clients that did not ask to stream. */
public final class BufferedReply implements ReplySink {

    /** A piece of the reply in order: text, or a code interpreter cell that ran between two pieces of text. */
    public sealed interface Part permits TextPart, CodePart {}

    public record TextPart(String text) implements Part {}

    public record CodePart(CodeRun run) implements Part {}

    private final StringBuilder text = new StringBuilder();
    private final List<Part> parts = new ArrayList<>();
    private final StringBuilder pending = new StringBuilder();
    private final List<ToolCall> calls = new ArrayList<>();
    private Finish finish;
    private final Map<String, String> headers = new LinkedHashMap<>();

    @Override
    public void text(String delta) {
        text.append(delta);
        pending.append(delta);
    }

    @Override
    public void toolCall(ToolCall call) {
        calls.add(call);
    }

    @Override
    public void codeStarted(String code) {
        endText();
    }

    @Override
    public void codeDone(CodeRun run) {
        parts.add(new CodePart(run));
    }

    @Override
    public void finish(Finish finish) {
        endText();
        this.finish = finish;
    }

    private void endText() {
        if (pending.isEmpty()) return;
        parts.add(new TextPart(pending.toString()));
        pending.setLength(0);
    }

    /** A header the dialect adds to the finished reply (what became of it beyond its body). */
    public void header(String name, String value) {
        headers.put(name, value);
    }

    public Map<String, String> headers() {
        return Map.copyOf(headers);
    }

    /** All the reply's text, joined. */
    public String text() {
        return text.toString();
    }

    /** The text and the code cells in the order they came (once finished). */
    public List<Part> parts() {
        return List.copyOf(parts);
    }

    /** Whether code cells ran in this reply. */
    public boolean ranCode() {
        return parts.stream().anyMatch(p -> p instanceof CodePart);
    }

    public List<ToolCall> calls() {
        return List.copyOf(calls);
    }

    public Finish finish() {
        return finish;
    }
}
