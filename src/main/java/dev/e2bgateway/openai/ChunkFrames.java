package dev.e2bgateway.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.core.Finish;
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

    public ChunkFrames(ObjectMapper json, String id, long created, String model, boolean includeUsage) {
        this.json = json;
        this.id = id;
        this.created = created;
        this.model = model;
        this.includeUsage = includeUsage;
    }

    /** The first chunk: {@code delta {role: "assistant", content: ""}}. */
    @Override
    public byte[] opening() {
        return chunk(g -> {
            g.writeStringField("role", "assistant");
            g.writeStringField("content", "");
        }, null);
    }

    @Override
    public byte[] text(String text) {
        return chunk(g -> g.writeStringField("content", text), null);
    }

    // Tool calls (next): delta.tool_calls entries with their index, id, type and function name in
    // a call's first chunk, then its arguments in pieces; the closing chunk says "tool_calls".

    /** The final chunk (an empty delta and the finish reason), the usage chunk if asked for, and [DONE]. */
    @Override
    public byte[] closing(Finish finish) {
        byte[] last = chunk(g -> { }, ChatCompletionsDialect.finishReason(finish.reason()));
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
            json.writeValue(g, ErrorBody.of(error).error());
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
