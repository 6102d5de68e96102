package dev.e2bgateway.responses;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.e2bgateway.core.CodeRun;
import dev.e2bgateway.core.Finish;
import dev.e2bgateway.core.ToolCall;
import dev.e2bgateway.dialect.StreamFormat;
import dev.e2bgateway.error.ApiError;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The named events of one streamed response, each with its {@code sequence_number} from 0, in
 * the order the SDKs' stream helpers rebuild the response from (/work/notes, "Streaming events"):
 * {@code response.created} first, every item opened with {@code output_item.added} at its
 * {@code output_index} and closed with {@code output_item.done} carrying the final item, and a
 * terminal event whose {@code response} repeats the whole output, which is what
 * {@code finalResponse()} returns. No event has a top-level {@code error} key, which openai-java's
 * SSE reader takes for a failure even when null.
 */
final class ResponseEvents implements StreamFormat {

    private final ObjectMapper json;
    private final ResponseShape shape;
    private final Consumer<ObjectNode> finished;
    private final List<ObjectNode> output = new ArrayList<>();
    private int sequence;
    /** The message item receiving text, or null. */
    private String messageId;
    private int messageIndex;
    private final StringBuilder messageText = new StringBuilder();

    /** @param finished gets the final response before the terminal event is written (it stores it; a failure there fails the stream) */
    ResponseEvents(ObjectMapper json, ResponseShape shape, Consumer<ObjectNode> finished) {
        this.json = json;
        this.shape = shape;
        this.finished = finished;
    }

    @Override
    public byte[] opening() {
        Events out = new Events();
        out.add("response.created", e -> e.set("response", shape.inProgress()));
        out.add("response.in_progress", e -> e.set("response", shape.inProgress()));
        return out.bytes();
    }

    @Override
    public byte[] text(String delta) {
        Events out = new Events();
        if (messageId == null) openMessage(out);
        messageText.append(delta);
        out.add("response.output_text.delta", e -> {
            e.put("item_id", messageId).put("output_index", messageIndex).put("content_index", 0).put("delta", delta);
            e.putArray("logprobs"); // required by the SDKs' types
        });
        return out.bytes();
    }

    @Override
    public byte[] toolCall(ToolCall call) {
        Events out = new Events();
        closeMessage(out, "completed");
        int index = output.size();
        boolean custom = shape.custom(call);
        ResponseShape.CallIds ids = ResponseShape.CallIds.next(custom);
        String value = shape.value(call);
        ObjectNode done = shape.call(call, ids, value, "completed");
        out.add("response.output_item.added", e -> e.put("output_index", index).set("item", shape.call(call, ids, null, "in_progress")));
        if (custom) {
            out.add("response.custom_tool_call_input.delta", e -> e.put("item_id", ids.itemId()).put("output_index", index)
                    .put("delta", value));
            out.add("response.custom_tool_call_input.done", e -> e.put("item_id", ids.itemId()).put("output_index", index)
                    .put("input", value));
        } else {
            out.add("response.function_call_arguments.delta", e -> e.put("item_id", ids.itemId()).put("output_index", index)
                    .put("delta", value));
            // name: required by openai npm 6.x's type (gone in 7.x, ignored by the others)
            out.add("response.function_call_arguments.done", e -> e.put("item_id", ids.itemId()).put("output_index", index)
                    .put("arguments", value).put("name", done.path("name").asText()));
        }
        output.add(done);
        out.add("response.output_item.done", e -> e.put("output_index", index).set("item", done));
        return out.bytes();
    }

    /** The cell being run: its item's id and place, and its code. */
    private String codeId;
    private int codeIndex;
    private String code;

    /**
     * A code interpreter cell starts (openai npm {@code ResponseCodeInterpreterToolCall} and its
     * events): the item added in progress, its code as one delta, then {@code interpreting}
     * while the sandbox runs it.
     */
    @Override
    public byte[] codeStarted(String code) {
        Events out = new Events();
        closeMessage(out, "completed");
        String id = ResponseShape.codeId();
        int index = output.size();
        this.codeId = id;
        this.codeIndex = index;
        this.code = code;
        output.add(shape.codeCall(id, code, "in_progress", null)); // its place, until it ran
        out.add("response.output_item.added", e -> e.put("output_index", index).set("item", shape.codeCall(id, "", "in_progress", null)));
        out.add("response.code_interpreter_call.in_progress", e -> e.put("item_id", id).put("output_index", index));
        out.add("response.code_interpreter_call_code.delta", e -> e.put("item_id", id).put("output_index", index).put("delta", code));
        out.add("response.code_interpreter_call_code.done", e -> e.put("item_id", id).put("output_index", index).put("code", code));
        out.add("response.code_interpreter_call.interpreting", e -> e.put("item_id", id).put("output_index", index));
        return out.bytes();
    }

    /** The cell ran: {@code completed}, then the finished item (outputs as {@code include} asks). */
    @Override
    public byte[] codeDone(CodeRun run) {
        Events out = new Events();
        String id = codeId;
        int index = codeIndex;
        ObjectNode done = shape.codeCall(id, code, ResponseShape.codeStatus(run), run);
        output.set(index, done);
        out.add("response.code_interpreter_call.completed", e -> e.put("item_id", id).put("output_index", index));
        out.add("response.output_item.done", e -> e.put("output_index", index).set("item", shape.forClient(done)));
        return out.bytes();
    }

    /**
     * The open message closed (or an empty one, when the reply had neither text nor calls, as a
     * non-streamed response has it), then {@code response.completed}, or {@code response.incomplete}
     * when the token limit cut the reply.
     */
    @Override
    public byte[] closing(Finish finish) {
        Events out = new Events();
        boolean cut = finish.reason() == Finish.Reason.LENGTH;
        if (output.isEmpty() && messageId == null) openMessage(out);
        closeMessage(out, cut ? "incomplete" : "completed");
        ObjectNode response = shape.finished(List.copyOf(output), finish);
        finished.accept(response);
        out.add(cut ? "response.incomplete" : "response.completed", e -> e.set("response", shape.forClient(response)));
        return out.bytes();
    }

    /** A failure after the stream started: {@code response.failed}, with what had been written, never a clean end. */
    @Override
    public byte[] error(ApiError error) {
        Events out = new Events();
        List<ObjectNode> written = new ArrayList<>(output);
        if (messageId != null) written.add(shape.message(messageId, messageText.toString(), "incomplete"));
        out.add("response.failed", e -> e.set("response", shape.forClient(shape.failed(written, error))));
        return out.bytes();
    }

    private void openMessage(Events out) {
        messageId = ResponseShape.messageId();
        messageIndex = output.size();
        messageText.setLength(0);
        out.add("response.output_item.added", e -> e.put("output_index", messageIndex)
                .set("item", shape.message(messageId, null, "in_progress")));
        out.add("response.content_part.added", e -> e.put("item_id", messageId).put("output_index", messageIndex)
                .put("content_index", 0).set("part", shape.textPart("")));
    }

    private void closeMessage(Events out, String status) {
        if (messageId == null) return;
        String text = messageText.toString();
        String id = messageId;
        int index = messageIndex;
        out.add("response.output_text.done", e -> {
            e.put("item_id", id).put("output_index", index).put("content_index", 0).put("text", text);
            e.putArray("logprobs");
        });
        out.add("response.content_part.done", e -> e.put("item_id", id).put("output_index", index).put("content_index", 0)
                .set("part", shape.textPart(text)));
        ObjectNode done = shape.message(id, text, status);
        output.add(done);
        out.add("response.output_item.done", e -> e.put("output_index", index).set("item", done));
        messageId = null;
    }

    /**
     * Events written in order, each numbered: {@code event: <type>\ndata: <one-line JSON>\n\n}. The
     * numbers count as used once the bytes are taken, so events built and then dropped (storing the
     * response failed) leave no gap.
     */
    private final class Events {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        private int next = sequence;

        void add(String type, Consumer<ObjectNode> fields) {
            ObjectNode event = json.createObjectNode().put("type", type);
            fields.accept(event);
            event.put("sequence_number", next++);
            try {
                // One line of JSON: Jackson escapes CR and LF inside strings, so model text cannot start an event.
                bytes.writeBytes(("event: " + type + "\ndata: ").getBytes(StandardCharsets.US_ASCII));
                bytes.writeBytes(json.writeValueAsBytes(event));
                bytes.writeBytes(new byte[]{'\n', '\n'});
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        byte[] bytes() {
            sequence = next;
            return bytes.toByteArray();
        }
    }
}
