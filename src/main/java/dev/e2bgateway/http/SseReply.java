package dev.e2bgateway.http;

import dev.e2bgateway.core.CodeRun;
import dev.e2bgateway.core.Finish;
import dev.e2bgateway.core.ReplySink;
import dev.e2bgateway.core.ToolCall;
import dev.e2bgateway.dialect.StreamFormat;
import dev.e2bgateway.error.ApiError;
import io.javalin.http.Context;

import java.io.IOException;

/**
 * A streamed reply in any dialect: the dialect's opening once, then its events as the core
 * delivers text, then its closing. A failure before the first event is still an HTTP status;
 * after it, the dialect's error event.
 */
public final class SseReply implements ReplySink {

    /** Produces the reply into the sink. */
    public interface Work {
        void run(ReplySink sink) throws IOException;
    }

    private final SseStream sse;
    private final StreamFormat format;
    private final boolean wantsUsage;

    public SseReply(Context ctx, StreamFormat format, boolean wantsUsage) {
        this.sse = new SseStream(ctx.res(), format.contentType());
        this.format = format;
        this.wantsUsage = wantsUsage;
    }

    @Override
    public void text(String delta) throws IOException {
        open();
        sse.send(format.text(delta));
    }

    @Override
    public void toolCall(ToolCall call) throws IOException {
        open();
        sse.send(format.toolCall(call));
    }

    @Override
    public void codeStarted(String code) throws IOException {
        open();
        sse.send(format.codeStarted(code));
    }

    @Override
    public void codeDone(CodeRun run) throws IOException {
        open();
        sse.send(format.codeDone(run));
    }

    @Override
    public void finish(Finish finish) throws IOException {
        open();
        sse.send(format.closing(finish));
    }

    @Override
    public boolean wantsUsage() {
        return wantsUsage;
    }

    /** Runs {@code work} into this reply; an error after the first event becomes one more event. */
    public void run(Context ctx, ErrorWriter errors, Work work) throws IOException {
        try {
            work.run(this);
        } catch (ApiError e) {
            if (!sse.started()) throw e; // still time for a proper HTTP status
            errors.write(ctx, e); // logs it; the response is committed, so no body is written
            sse.send(format.error(e));
        }
        sse.close();
    }

    private void open() throws IOException {
        if (!sse.started()) sse.send(format.opening());
    }
}
