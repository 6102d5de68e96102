package dev.e2bgateway.ollama;

import dev.e2bgateway.dialect.JsonBytes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.e2bgateway.core.BufferedReply;
import dev.e2bgateway.core.Finish;
import dev.e2bgateway.core.ToolCall;
import dev.e2bgateway.dialect.Ids;
import dev.e2bgateway.dialect.StreamFormat;
import dev.e2bgateway.error.ApiError;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Ollama's wire for one reply, {@code /api/chat} ({@code message}) or {@code /api/generate}
 * ({@code response}): the whole reply, or newline-delimited JSON, one object per line, each
 * flushed as it is made. Text lines say {@code done: false}; the last line says {@code done: true}
 * with {@code done_reason}, the durations in nanoseconds and the token counts. A failure after
 * the first line is one more line, {@code {"error": "..."}}, as Ollama ends a stream that failed.
 *
 * <p>Per-stream state (when the reply started and when its first text came, for the durations)
 * lives here, one object per reply.
 */
final class ReplyLines implements StreamFormat {

    /** Which endpoint's shape: chat replies carry a {@code message}, generate replies a {@code response}. */
    enum Shape { CHAT, GENERATE }

    private final ObjectMapper json;
    private final Shape shape;
    private final String model;
    private final LongSupplier nanos;
    private final long started;
    private long firstText = -1;

    /** @param nanos a monotonic clock in nanoseconds ({@code System::nanoTime}); read now, as the request is taken */
    ReplyLines(ObjectMapper json, Shape shape, String model, LongSupplier nanos) {
        this.json = json;
        this.shape = shape;
        this.model = model;
        this.nanos = nanos;
        this.started = nanos.getAsLong();
    }

    @Override
    public String contentType() {
        return "application/x-ndjson";
    }

    @Override
    public byte[] opening() {
        return new byte[0]; // Ollama's first line already carries text
    }

    @Override
    public byte[] text(String delta) {
        if (firstText < 0) firstText = nanos.getAsLong();
        ObjectNode line = head();
        body(line, delta, List.of());
        return line(line.put("done", false));
    }

    /** A call goes out whole, in a line of its own with empty content, as Ollama streams calls. */
    @Override
    public byte[] toolCall(ToolCall call) {
        ObjectNode line = head();
        body(line, "", List.of(call));
        return line(line.put("done", false));
    }

    @Override
    public byte[] closing(Finish finish) {
        ObjectNode line = head();
        body(line, "", List.of());
        return line(done(line, finish));
    }

    @Override
    public byte[] error(ApiError error) {
        return line(json.createObjectNode().put("error", error.getMessage()));
    }

    /** The whole reply of a request with {@code stream: false}: one object, the last line's fields with all the text. */
    byte[] whole(BufferedReply reply) {
        ObjectNode body = head();
        body(body, reply.text(), reply.calls());
        return bytes(done(body, reply.finish()));
    }

    /** The reply to a request that only loads the model: done at once, {@code done_reason} "load". */
    byte[] loaded() {
        ObjectNode body = head();
        body(body, "", List.of());
        return bytes(body.put("done", true).put("done_reason", "load"));
    }

    private ObjectNode head() {
        return json.createObjectNode().put("model", model).put("created_at", Instant.now().toString());
    }

    private void body(ObjectNode line, String text, List<ToolCall> calls) {
        if (shape == Shape.GENERATE) {
            line.put("response", text);
            return;
        }
        ObjectNode message = line.putObject("message").put("role", "assistant").put("content", text);
        if (calls.isEmpty()) return;
        ArrayNode toolCalls = message.putArray("tool_calls");
        for (ToolCall call : calls) {
            ObjectNode function = toolCalls.addObject().put("id", Ids.next("call_")).putObject("function")
                    .put("index", call.index()).put("name", call.name());
            function.set("arguments", arguments(call.arguments()));
        }
    }

    /** Ollama's arguments are a JSON object, not OpenAI's string of one. */
    private JsonNode arguments(String text) {
        try {
            JsonNode node = json.readTree(text);
            return node != null && node.isObject() ? node : json.createObjectNode();
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }

    /**
     * The last line's fields. Nothing is loaded or evaluated here as in Ollama's runner: the prompt's
     * "evaluation" is the wait for the first streamed text, the reply's the time from there to the
     * end. A reply not streamed (or one of calls only) has no first text: all its time is the reply's,
     * so a client's tokens per second stays a finite, lower figure.
     */
    private ObjectNode done(ObjectNode line, Finish finish) {
        long now = nanos.getAsLong();
        long first = firstText < 0 ? started : firstText;
        line.put("done", true).put("done_reason", finish.reason() == Finish.Reason.LENGTH ? "length" : "stop")
                .put("total_duration", now - started).put("load_duration", 0)
                .put("prompt_eval_count", finish.usage().promptTokens()).put("prompt_eval_duration", first - started)
                .put("eval_count", finish.usage().completionTokens()).put("eval_duration", now - first);
        return line;
    }

    private byte[] line(ObjectNode node) {
        byte[] body = bytes(node);
        byte[] out = java.util.Arrays.copyOf(body, body.length + 1);
        out[body.length] = '\n'; // Jackson escapes newlines inside strings, so this ends the one line
        return out;
    }

    private byte[] bytes(ObjectNode node) {
        return JsonBytes.of(json, node);
    }
}
