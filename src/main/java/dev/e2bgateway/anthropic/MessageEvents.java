package dev.e2bgateway.anthropic;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.e2bgateway.core.Finish;
import dev.e2bgateway.dialect.StreamFormat;
import dev.e2bgateway.error.ApiError;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;

/**
 * Anthropic's Messages wire format for one reply: the non-streaming message, and the named SSE
 * events of a stream ({@code event: <name>\ndata: <json>\n\n}).
 */
final class MessageEvents implements StreamFormat {

    private final ObjectMapper json;
    private final String id;
    private final String model;
    private final IntSupplier inputTokens;

    /** @param inputTokens the prompt's tokens, counted only when a stream opens */
    MessageEvents(ObjectMapper json, String id, String model, IntSupplier inputTokens) {
        this.json = json;
        this.id = id;
        this.model = model;
        this.inputTokens = inputTokens;
    }

    ObjectNode message(String text, Finish finish) {
        ObjectNode m = header();
        m.putArray("content").addObject().put("type", "text").put("text", text);
        stop(m, finish);
        usage(m.putObject("usage"), finish.usage().promptTokens(), finish.usage().completionTokens());
        return m;
    }

    /** message_start, content_block_start and ping: the opening of a stream. */
    @Override
    public byte[] opening() {
        ObjectNode m = header();
        m.putArray("content");
        m.putNull("stop_reason");
        m.putNull("stop_sequence");
        usage(m.putObject("usage"), inputTokens.getAsInt(), 0);
        ObjectNode start = json.createObjectNode().put("type", "message_start");
        start.set("message", m);
        ObjectNode block = json.createObjectNode().put("type", "content_block_start").put("index", 0);
        block.putObject("content_block").put("type", "text").put("text", "");
        return concat(event("message_start", start), event("content_block_start", block),
                event("ping", json.createObjectNode().put("type", "ping")));
    }

    @Override
    public byte[] text(String text) {
        ObjectNode e = json.createObjectNode().put("type", "content_block_delta").put("index", 0);
        e.putObject("delta").put("type", "text_delta").put("text", text);
        return event("content_block_delta", e);
    }

    // Tool calls (next): each call a content block of its own: content_block_start with a
    // tool_use block, input_json_delta pieces, content_block_stop; stop_reason "tool_use".

    /** content_block_stop, message_delta and message_stop: the end of a stream. */
    @Override
    public byte[] closing(Finish finish) {
        ObjectNode delta = json.createObjectNode().put("type", "message_delta");
        stop(delta.putObject("delta"), finish);
        delta.putObject("usage").put("output_tokens", finish.usage().completionTokens());
        return concat(event("content_block_stop", json.createObjectNode().put("type", "content_block_stop").put("index", 0)),
                event("message_delta", delta),
                event("message_stop", json.createObjectNode().put("type", "message_stop")));
    }

    @Override
    public byte[] error(ApiError error) {
        return event("error", AnthropicErrors.body(json, error));
    }

    private ObjectNode header() {
        return json.createObjectNode().put("id", id).put("type", "message").put("role", "assistant").put("model", model);
    }

    private static void stop(ObjectNode target, Finish finish) {
        target.put("stop_reason", switch (finish.reason()) {
            case END -> "end_turn";
            case LENGTH -> "max_tokens";
            case STOP_SEQUENCE -> "stop_sequence";
        });
        if (finish.stopSequence() == null) target.putNull("stop_sequence");
        else target.put("stop_sequence", finish.stopSequence());
    }

    private static void usage(ObjectNode usage, int input, int output) {
        usage.put("input_tokens", input).put("output_tokens", output);
    }

    private byte[] event(String name, ObjectNode data) {
        try {
            // One line of JSON: Jackson escapes CR and LF inside strings, so no frame injection.
            return ("event: " + name + "\ndata: " + json.writeValueAsString(data) + "\n\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
