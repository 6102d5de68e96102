package dev.e2bgateway.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.error.LogSafe;
import dev.e2bgateway.tools.ToolCallEvent;
import dev.e2bgateway.tools.ToolCallParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One reply's way from the upstream's decoded text to the client's sink: tool calls read out of
 * it (when tools are offered), a stray code fence stripped (when JSON is due), then the stop
 * sequences and the token limit applied to the visible text. Nothing is dropped in silence:
 * a would-be call that is not a valid call is shown as text and counted, and model output the
 * call format drops (text after a call block) is logged at DEBUG and counted.
 */
final class ReplyPipeline {

    private static final Logger log = LoggerFactory.getLogger(ReplyPipeline.class);

    private final ReplySink sink;
    private final ChatTrace trace;
    private final ReplyLimiter limiter;
    private final UpstreamEvents events;
    private final ToolCallParser parser;
    private final JsonOutput json;
    private final List<ToolCallEvent> pending = new ArrayList<>();
    private int calls;
    private final StringBuilder callText = new StringBuilder();

    ReplyPipeline(ChatRequest request, ReplySink sink, ChatTrace trace, ReplyLimiter limiter, UpstreamEvents events,
                  ObjectMapper mapper) {
        this.sink = sink;
        this.trace = trace;
        this.limiter = limiter;
        this.events = events;
        ToolUse tools = request.tools();
        this.parser = tools.active() ? new ToolCallParser(tools.offered(), tools.choice(), mapper, pending::add) : null;
        this.json = request.format().json() ? new JsonOutput(request.format(), mapper) : null;
    }

    /** Takes the next piece of the decoded reply. */
    void accept(String delta) throws IOException {
        if (delta.isEmpty()) return;
        if (parser == null) {
            visible(delta);
            return;
        }
        parser.feed(delta);
        drain();
    }

    /** The upstream's reply ended: everything held back goes out, then the JSON is checked. */
    void end() throws IOException {
        if (parser != null) {
            parser.finish();
            drain();
        }
        if (json != null && limiter.finished() == null) deliver(limiter.accept(json.flush()));
        deliver(limiter.flush());
        if (json != null && calls == 0 && limiter.finished() == null) json.check();
    }

    /** True once the client has all it asked for (a stop sequence or the token limit): the upstream can stop. */
    boolean done() {
        return limiter.finished() != null;
    }

    /** The calls' names and arguments, for counting the reply's tokens. */
    String callText() {
        return callText.toString();
    }

    Finish.Reason reason() {
        if (limiter.finished() != null) return limiter.finished();
        return calls > 0 ? Finish.Reason.TOOL_CALLS : Finish.Reason.END;
    }

    private void drain() throws IOException {
        for (ToolCallEvent event : pending) {
            if (event instanceof ToolCallEvent.Text t) {
                visible(t.text());
            } else if (event instanceof ToolCallEvent.CallCompleted c) {
                if (done()) continue;
                deliver(limiter.flush()); // the text before a call reaches the client before it
                sink.toolCall(new ToolCall(c.index(), c.name(), c.arguments()));
                calls++;
                callText.append(c.name()).append(' ').append(c.arguments()).append('\n');
                events.toolCall();
            } else if (event instanceof ToolCallEvent.Rejected r) {
                log.debug("{} a would-be tool call is shown as text ({}): {}", trace.requestId(), r.reason(), LogSafe.message(r.detail()));
                events.toolBlockAsText(r.reason().name().toLowerCase());
                visible(r.text());
            } else if (event instanceof ToolCallEvent.Dropped d) {
                log.debug("{} text after the tool calls is not shown ({} characters)", trace.requestId(), d.text().length());
                events.textAfterCalls();
            }
        }
        pending.clear();
    }

    private void visible(String text) throws IOException {
        if (done() || text.isEmpty()) return;
        deliver(limiter.accept(json == null ? text : json.accept(text)));
    }

    private void deliver(String text) throws IOException {
        if (text.isEmpty()) return;
        trace.firstToken();
        sink.text(text);
    }
}
