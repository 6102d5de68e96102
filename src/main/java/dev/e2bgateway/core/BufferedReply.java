package dev.e2bgateway.core;

/** A sink that keeps the whole reply, for clients that did not ask to stream. */
public final class BufferedReply implements ReplySink {

    private final StringBuilder text = new StringBuilder();
    private Finish finish;

    @Override
    public void text(String delta) {
        text.append(delta);
    }

    @Override
    public void finish(Finish finish) {
        this.finish = finish;
    }

    public String text() {
        return text.toString();
    }

    public Finish finish() {
        return finish;
    }
}
