package dev.e2bgateway.core;

import java.util.ArrayList;
import java.util.List;

/** A sink that keeps the whole reply, for clients that did not ask to stream. */
public final class BufferedReply implements ReplySink {

    private final StringBuilder text = new StringBuilder();
    private final List<ToolCall> calls = new ArrayList<>();
    private Finish finish;

    @Override
    public void text(String delta) {
        text.append(delta);
    }

    @Override
    public void toolCall(ToolCall call) {
        calls.add(call);
    }

    @Override
    public void finish(Finish finish) {
        this.finish = finish;
    }

    public String text() {
        return text.toString();
    }

    public List<ToolCall> calls() {
        return List.copyOf(calls);
    }

    public Finish finish() {
        return finish;
    }
}
