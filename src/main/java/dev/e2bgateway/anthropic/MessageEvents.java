package dev.e2bgateway.anthropic;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.e2bgateway.core.BufferedReply;
import dev.e2bgateway.core.CodeRun;
import dev.e2bgateway.core.Finish;
import dev.e2bgateway.core.ToolCall;
import dev.e2bgateway.dialect.Ids;
import dev.e2bgateway.dialect.StreamFormat;
import dev.e2bgateway.error.ApiError;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
    private int index = -1;
    private boolean blockOpen;
    private boolean textBlockOpen;

    /** @param inputTokens the prompt's tokens, counted only when a stream opens */
    MessageEvents(ObjectMapper json, String id, String model, IntSupplier inputTokens) {
        this.json = json;
        this.id = id;
        this.model = model;
        this.inputTokens = inputTokens;
    }

    /** The whole message: a text block (left out when the reply is only tool calls), then a tool_use block per call. */
    ObjectNode message(String text, List<ToolCall> calls, Finish finish) {
        ObjectNode m = header();
        ArrayNode content = m.putArray("content");
        if (!text.isEmpty() || calls.isEmpty()) content.addObject().put("type", "text").put("text", text);
        for (ToolCall call : calls) content.add(toolUse(call, Ids.next("toolu_")));
        stop(m, finish);
        usage(m.putObject("usage"), finish.usage().promptTokens(), finish.usage().completionTokens());
        return m;
    }

    /**
     * The whole message of a turn in which the code execution tool ran: text blocks, and for each
     * cell a {@code server_tool_use} block and its {@code code_execution_tool_result}, in order.
     */
    ObjectNode message(List<BufferedReply.Part> parts, List<ToolCall> calls, Finish finish) {
        ObjectNode m = header();
        ArrayNode content = m.putArray("content");
        for (BufferedReply.Part part : parts) {
            if (part instanceof BufferedReply.TextPart t) {
                content.addObject().put("type", "text").put("text", t.text());
            } else if (part instanceof BufferedReply.CodePart c) {
                String id = Ids.next("srvtoolu_");
                content.add(serverToolUse(id, c.run().code()));
                content.add(codeResult(id, c.run()));
            }
        }
        if (parts.isEmpty() && calls.isEmpty()) content.addObject().put("type", "text").put("text", "");
        for (ToolCall call : calls) content.add(toolUse(call, Ids.next("toolu_")));
        stop(m, finish);
        usage(m.putObject("usage"), finish.usage().promptTokens(), finish.usage().completionTokens());
        return m;
    }

    /** The id of the server_tool_use block whose result comes next. */
    private String codeUseId;

    /** A server_tool_use block of its own: its start (input {}), the code as an input_json_delta, its stop. */
    @Override
    public byte[] codeStarted(String code) {
        byte[] close = stopBlock();
        codeUseId = Ids.next("srvtoolu_");
        ObjectNode block = serverToolUse(codeUseId, code);
        block.putObject("input");
        byte[] start = startBlock(block);
        ObjectNode delta = json.createObjectNode().put("type", "content_block_delta").put("index", index);
        delta.putObject("delta").put("type", "input_json_delta")
                .put("partial_json", json.createObjectNode().put("code", code).toString());
        return concat(close, start, event("content_block_delta", delta), stopBlock());
    }

    /** The cell's code_execution_tool_result block: whole in its start, as Anthropic streams it, then its stop. */
    @Override
    public byte[] codeDone(CodeRun run) {
        return concat(startBlock(codeResult(codeUseId, run)), stopBlock());
    }

    private ObjectNode serverToolUse(String id, String code) {
        ObjectNode block = json.createObjectNode().put("type", "server_tool_use").put("id", id).put("name", "code_execution");
        block.putObject("input").put("code", code);
        block.putObject("caller").put("type", "direct");
        return block;
    }

    /**
     * A cell's result: {@code code_execution_result} with stdout (what the cell printed), stderr
     * (a Python exception's traceback goes there, as a shell shows it), return_code, and the
     * results' text (the last expression's value) as {@code text} parts of its {@code content};
     * a sandbox that could not run it is {@code code_execution_tool_result_error}
     * ({@code too_many_requests} past the turn's cell budget). Images would be files
     * ({@code file_id}), which this gateway does not have: a text part says one was made.
     */
    private ObjectNode codeResult(String toolUseId, CodeRun run) {
        ObjectNode block = json.createObjectNode().put("type", "code_execution_tool_result").put("tool_use_id", toolUseId);
        if (run.failed()) {
            block.putObject("content").put("type", "code_execution_tool_result_error").put("error_code", switch (run.status()) {
                case TIMED_OUT -> "execution_time_exceeded";
                case NOT_RUN -> "too_many_requests";
                default -> "unavailable";
            });
            return block;
        }
        StringBuilder stderr = new StringBuilder(run.stderr());
        if (run.error() != null) {
            line(stderr, run.error().traceback().isEmpty() ? run.error().name() + ": " + run.error().value() : run.error().traceback());
        }
        ObjectNode content = block.putObject("content").put("type", "code_execution_result")
                .put("stdout", run.stdout()).put("stderr", stderr.toString()).put("return_code", run.returnCode());
        var parts = content.putArray("content");
        for (String text : run.texts()) parts.addObject().put("type", "text").put("text", text);
        for (CodeRun.Image image : run.images()) {
            parts.addObject().put("type", "text").put("text", "[an image (" + image.mediaType() + ") was produced]");
        }
        return block;
    }

    private static void line(StringBuilder out, String text) {
        if (!out.isEmpty() && out.charAt(out.length() - 1) != '\n') out.append('\n');
        out.append(text);
    }

    /** message_start: the opening of a stream. Each content block opens with what comes first, then a ping. */
    @Override
    public byte[] opening() {
        ObjectNode m = header();
        m.putArray("content");
        m.putNull("stop_reason");
        m.putNull("stop_sequence");
        usage(m.putObject("usage"), inputTokens.getAsInt(), 0);
        ObjectNode start = json.createObjectNode().put("type", "message_start");
        start.set("message", m);
        return event("message_start", start);
    }

    @Override
    public byte[] text(String text) {
        byte[] open = textBlockOpen ? new byte[0] : startBlock(textBlock());
        textBlockOpen = true;
        ObjectNode e = json.createObjectNode().put("type", "content_block_delta").put("index", index);
        e.putObject("delta").put("type", "text_delta").put("text", text);
        return concat(open, event("content_block_delta", e));
    }

    /** A tool_use block of its own: its start (input {}), its input as an input_json_delta, its stop. */
    @Override
    public byte[] toolCall(ToolCall call) {
        byte[] close = stopBlock();
        ObjectNode block = toolUse(call, Ids.next("toolu_"));
        block.putObject("input"); // the input arrives as deltas, as the SDKs expect
        byte[] start = startBlock(block);
        ObjectNode delta = json.createObjectNode().put("type", "content_block_delta").put("index", index);
        delta.putObject("delta").put("type", "input_json_delta").put("partial_json", call.arguments());
        byte[] end = stopBlock();
        return concat(close, start, event("content_block_delta", delta), end);
    }

    /** content_block_stop of an open text block (an empty one when nothing came), message_delta, message_stop. */
    @Override
    public byte[] closing(Finish finish) {
        byte[] open = index < 0 ? startBlock(textBlock()) : new byte[0];
        ObjectNode delta = json.createObjectNode().put("type", "message_delta");
        stop(delta.putObject("delta"), finish);
        delta.putObject("usage").put("output_tokens", finish.usage().completionTokens());
        return concat(open, stopBlock(), event("message_delta", delta),
                event("message_stop", json.createObjectNode().put("type", "message_stop")));
    }

    private ObjectNode textBlock() {
        return json.createObjectNode().put("type", "text").put("text", "");
    }

    private ObjectNode toolUse(ToolCall call, String toolUseId) {
        ObjectNode block = json.createObjectNode().put("type", "tool_use").put("id", toolUseId).put("name", call.name());
        try {
            block.set("input", json.readTree(call.arguments()));
        } catch (IOException e) {
            block.putObject("input");
        }
        return block;
    }

    /** The next content block's start; the first one is followed by a ping, as Anthropic's streams have it. */
    private byte[] startBlock(ObjectNode contentBlock) {
        index++;
        blockOpen = true;
        ObjectNode start = json.createObjectNode().put("type", "content_block_start").put("index", index);
        start.set("content_block", contentBlock);
        byte[] event = event("content_block_start", start);
        if (index > 0) return event;
        return concat(event, event("ping", json.createObjectNode().put("type", "ping")));
    }

    private byte[] stopBlock() {
        if (!blockOpen) return new byte[0];
        blockOpen = false;
        textBlockOpen = false;
        return event("content_block_stop", json.createObjectNode().put("type", "content_block_stop").put("index", index));
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
            case TOOL_CALLS -> "tool_use";
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
