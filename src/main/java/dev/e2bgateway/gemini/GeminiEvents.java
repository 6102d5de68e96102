package dev.e2bgateway.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.e2bgateway.core.Finish;
import dev.e2bgateway.core.ToolCall;
import dev.e2bgateway.dialect.Ids;
import dev.e2bgateway.dialect.StreamFormat;
import dev.e2bgateway.error.ApiError;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Gemini's {@code GenerateContentResponse} for one reply: the whole response, and the chunks of a
 * stream, each a complete response with {@code candidates[0].content.parts} holding the new text or
 * one {@code functionCall}. The last chunk carries the {@code finishReason} and
 * {@code usageMetadata} and no content (an empty text part would read as an invalid response to
 * Gemini CLI).
 *
 * <p>Two framings ({@link Framing}): with {@code alt=sse} each chunk is exactly
 * {@code data: <one line of JSON>} and a blank line (Gemini CLI's parser takes nothing else: no
 * comment, no {@code event:}); without it, the chunks are the elements of one JSON array sent as
 * they come.
 */
final class GeminiEvents implements StreamFormat {

    /** How the chunks of a stream are framed. */
    enum Framing { SSE, JSON_ARRAY }

    private final ObjectMapper json;
    /** One line per chunk, whatever the shared mapper's indentation. */
    private final ObjectWriter line;
    private final String responseId;
    private final String modelVersion;
    private final Framing framing;
    private boolean first = true;

    GeminiEvents(ObjectMapper json, String responseId, String modelVersion, Framing framing) {
        this.json = json;
        this.line = json.writer().without(SerializationFeature.INDENT_OUTPUT);
        this.responseId = responseId;
        this.modelVersion = modelVersion;
        this.framing = framing;
    }

    /** The whole response of a reply that was not streamed. */
    ObjectNode response(String text, List<ToolCall> calls, Finish finish) {
        ObjectNode response = json.createObjectNode();
        ObjectNode candidate = response.putArray("candidates").addObject();
        ArrayNode parts = candidate.putObject("content").put("role", "model").putArray("parts");
        if (!text.isEmpty() || calls.isEmpty()) parts.addObject().put("text", text);
        for (ToolCall call : calls) parts.add(functionCall(call));
        candidate.put("finishReason", finishReason(finish)).put("index", 0);
        usage(response, finish);
        return ids(response);
    }

    @Override
    public String contentType() {
        return framing == Framing.SSE ? "text/event-stream" : "application/json";
    }

    @Override
    public byte[] opening() {
        return framing == Framing.SSE ? new byte[0] : "[".getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] text(String delta) {
        return chunk(content(json.createObjectNode().put("text", delta)));
    }

    @Override
    public byte[] toolCall(ToolCall call) {
        return chunk(content(functionCall(call)));
    }

    @Override
    public byte[] closing(Finish finish) {
        ObjectNode response = json.createObjectNode();
        response.putArray("candidates").addObject().put("finishReason", finishReason(finish)).put("index", 0);
        usage(response, finish);
        byte[] last = chunk(ids(response));
        return framing == Framing.SSE ? last : concat(last, "]");
    }

    @Override
    public byte[] error(ApiError error) {
        byte[] event = chunk(GeminiErrors.body(json, error, new GeminiErrors(json).status(error)));
        return framing == Framing.SSE ? event : concat(event, "]");
    }

    private ObjectNode content(ObjectNode part) {
        ObjectNode response = json.createObjectNode();
        ObjectNode candidate = response.putArray("candidates").addObject();
        candidate.putObject("content").put("role", "model").putArray("parts").add(part);
        candidate.put("index", 0);
        return ids(response);
    }

    private ObjectNode ids(ObjectNode response) {
        return response.put("modelVersion", modelVersion).put("responseId", responseId);
    }

    /** A call as Gemini writes it: an id of ours (clients send it back with the result), the name, the arguments object. */
    private ObjectNode functionCall(ToolCall call) {
        ObjectNode part = json.createObjectNode();
        part.putObject("functionCall").put("id", Ids.next("call_")).put("name", call.name()).set("args", args(call.arguments()));
        return part;
    }

    private JsonNode args(String arguments) {
        try {
            JsonNode args = json.readTree(arguments);
            if (args != null && args.isObject()) return args;
        } catch (JsonProcessingException e) {
            // the core hands over JSON objects; anything else is kept, not lost
        }
        return json.createObjectNode().put("input", arguments);
    }

    private static void usage(ObjectNode response, Finish finish) {
        if (finish.usage() == null) return;
        response.putObject("usageMetadata")
                .put("promptTokenCount", finish.usage().promptTokens())
                .put("candidatesTokenCount", finish.usage().completionTokens())
                .put("totalTokenCount", finish.usage().totalTokens());
    }

    /** Gemini has no reason for tool calls or stop sequences: both are {@code STOP}. */
    static String finishReason(Finish finish) {
        return finish.reason() == Finish.Reason.LENGTH ? "MAX_TOKENS" : "STOP";
    }

    /** One chunk in the stream's framing, its JSON on one line (the encoder escapes CR and LF in strings). */
    private byte[] chunk(ObjectNode body) {
        String text;
        try {
            text = line.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        if (framing == Framing.SSE) return ("data: " + text + "\n\n").getBytes(StandardCharsets.UTF_8);
        String element = first ? text : ",\r\n" + text;
        first = false;
        return element.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] event, String tail) {
        byte[] t = tail.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[event.length + t.length];
        System.arraycopy(event, 0, out, 0, event.length);
        System.arraycopy(t, 0, out, event.length, t.length);
        return out;
    }
}
