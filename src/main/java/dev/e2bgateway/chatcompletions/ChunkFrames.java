package dev.e2bgateway.chatcompletions;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.core.Finish;
import dev.e2bgateway.core.ToolCall;
import dev.e2bgateway.dialect.OpenAiErrorBody;
import dev.e2bgateway.dialect.StreamFormat;
import dev.e2bgateway.error.ApiError;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The SSE frames of one streamed {@code chat.completion.chunk} sequence: one id, one
 * {@code created}, each frame exactly {@code data: <one-line JSON>\n\n}. Jackson escapes
 * every CR and LF inside strings, so model text cannot inject a frame.
 */
public final class ChunkFrames implements StreamFormat {

    static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final ObjectMapper json;
    private final String id;
    private final long created;
    private final String model;
    private final boolean includeUsage;
    private final OfferedTools tools;
    private boolean opened;

    ChunkFrames(ObjectMapper json, String id, long created, String model, boolean includeUsage, OfferedTools tools) {
        this.tools = tools;
        this.json = json;
        this.id = id;
        this.created = created;
        this.model = model;
        this.includeUsage = includeUsage;
    }

    /**
     * Nothing yet: the first chunk says {@code role: "assistant"} with {@code content: ""} when
     * text comes first, or {@code content: null} when the reply starts with a tool call, so it
     * goes out with whichever comes first.
     */
    @Override
    public byte[] opening() {
        return new byte[0];
    }

    private byte[] role(boolean text) {
        if (opened) return new byte[0];
        opened = true;
        return chunk(g -> {
            g.writeStringField("role", "assistant");
            if (text) g.writeStringField("content", "");
            else g.writeNullField("content");
        }, null);
    }

    @Override
    public byte[] text(String text) {
        return concat(role(true), chunk(g -> g.writeStringField("content", text), null));
    }

    /**
     * A call as the SDKs' accumulators rebuild it: a first {@code delta.tool_calls} entry with the
     * call's index, id, type and name (arguments empty), then its arguments. A client of the
     * deprecated {@code functions} gets {@code delta.function_call} instead.
     */
    @Override
    public byte[] toolCall(ToolCall call) {
        byte[] role = role(false);
        if (tools.legacyFunctions()) {
            if (call.index() > 0) return role; // the deprecated API has one call per reply
            return concat(role, chunk(g -> {
                g.writeObjectFieldStart("function_call");
                g.writeStringField("name", call.name());
                g.writeStringField("arguments", "");
                g.writeEndObject();
            }, null), chunk(g -> {
                g.writeObjectFieldStart("function_call");
                g.writeStringField("arguments", call.arguments());
                g.writeEndObject();
            }, null));
        }
        boolean custom = tools.custom(call);
        String field = custom ? "custom" : "function";
        String value = custom ? tools.input(call) : call.arguments();
        String valueField = custom ? "input" : "arguments";
        String callId = OfferedTools.newId();
        byte[] head = chunk(g -> {
            g.writeArrayFieldStart("tool_calls");
            g.writeStartObject();
            g.writeNumberField("index", call.index());
            g.writeStringField("id", callId);
            g.writeStringField("type", field);
            g.writeObjectFieldStart(field);
            g.writeStringField("name", call.name());
            g.writeStringField(valueField, "");
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndArray();
        }, null);
        byte[] body = chunk(g -> {
            g.writeArrayFieldStart("tool_calls");
            g.writeStartObject();
            g.writeNumberField("index", call.index());
            g.writeObjectFieldStart(field);
            g.writeStringField(valueField, value);
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndArray();
        }, null);
        return concat(role, head, body);
    }

    /** The final chunk (an empty delta and the finish reason), the usage chunk if asked for, and [DONE]. */
    @Override
    public byte[] closing(Finish finish) {
        byte[] last = concat(role(true), chunk(g -> { }, tools.finishReason(finish.reason())));
        if (!includeUsage) return concat(last, DONE);
        return concat(last, usage(UsageBody.of(finish.usage())), DONE);
    }

    /** The usage chunk, sent only when the client asked: {@code choices: []}. */
    private byte[] usage(UsageBody usage) {
        return frame(g -> {
            header(g);
            g.writeArrayFieldStart("choices");
            g.writeEndArray();
            g.writeFieldName("usage");
            json.writeValue(g, usage);
        });
    }

    /** An error after the 200 went out: one {@code data: {"error": ...}} event. */
    @Override
    public byte[] error(ApiError error) {
        return frame(g -> {
            g.writeFieldName("error");
            json.writeValue(g, OpenAiErrorBody.of(error).error());
        });
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private byte[] chunk(Fields delta, String finishReason) {
        return frame(g -> {
            header(g);
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeNumberField("index", 0);
            g.writeObjectFieldStart("delta");
            delta.write(g);
            g.writeEndObject();
            g.writeNullField("logprobs");
            if (finishReason == null) g.writeNullField("finish_reason");
            else g.writeStringField("finish_reason", finishReason);
            g.writeEndObject();
            g.writeEndArray();
            if (includeUsage) g.writeNullField("usage");
        });
    }

    private void header(JsonGenerator g) throws IOException {
        g.writeStringField("id", id);
        g.writeStringField("object", "chat.completion.chunk");
        g.writeNumberField("created", created);
        g.writeStringField("model", model);
    }

    private byte[] frame(Fields fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.writeBytes("data: ".getBytes(StandardCharsets.US_ASCII));
        try (JsonGenerator g = json.getFactory().createGenerator(out)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        out.write('\n');
        return out.toByteArray();
    }
}
