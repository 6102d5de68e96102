package dev.e2bgateway.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a conversation's earlier tool calls and their results back as message text, for
 * an upstream that only takes text: calls into the assistant's message in the very format
 * the model is asked to write (so the history shows it how), results into the next user
 * message as a {@code <tool_results>} block (docs/tool-calls.md, "History: calls
 * with ids, results in call order").
 *
 * <p>Each earlier call carries the client's id for it ({@code <invoke name="Read" id="toolu_01...">}),
 * and each result the same id as {@code call_id}, with the tool's name; results are written in
 * the order of their calls, whatever order the client sent them in (agents return parallel
 * results as the tools finish). So the model can pair a result with its call by id and by
 * position alike (docs/tool-calls.md, "History: calls with ids, results in call order"). The model never
 * writes an id: the parser ignores any attribute of {@code <invoke>} but {@code name}.
 *
 * <p>Values are written as they are, like the model writes them, so a value containing
 * {@code </parameter>} (or a result containing {@code </result>}) reads ambiguously: the
 * format cannot express it, and escaping it would teach the model to escape.
 */
public final class ToolTranscript {

    /**
     * A call the assistant made earlier, as the client sends it back.
     *
     * @param id        the client's id for the call, or null when it has none (the deprecated
     *                  {@code function_call})
     * @param name      the tool's name
     * @param arguments the arguments as JSON text (OpenAI's {@code arguments} string, or
     *                  Anthropic's {@code input} object serialised)
     */
    public record Call(String id, String name, String arguments) {
    }

    /**
     * The result of an earlier call.
     *
     * @param callId  the client's id for the call, written back unchanged
     * @param name    the tool's name, or null when the client did not say (OpenAI tool
     *                messages carry only the id)
     * @param content the result as text
     * @param error   whether the client marked the result as an error
     */
    public record Result(String callId, String name, String content, boolean error) {
    }

    private final ObjectReader reader;
    private final ObjectWriter compact;

    public ToolTranscript(ObjectMapper json) {
        this.reader = json.reader();
        this.compact = json.writer().without(SerializationFeature.INDENT_OUTPUT);
    }

    /** The assistant's message: its text, then its calls as a {@code <tool_calls>} block. */
    public String assistant(String text, List<Call> calls) {
        String block = calls(calls);
        if (block.isEmpty() || text == null || text.isEmpty()) {
            return text == null || text.isEmpty() ? block : text;
        }
        return text.endsWith("\n") ? text + block : text + "\n" + block;
    }

    /** The calls as a {@code <tool_calls>} block; "" for none. */
    public String calls(List<Call> calls) {
        if (calls.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("<tool_calls>\n");
        for (Call call : calls) {
            out.append("<invoke name=\"").append(attribute(call.name())).append('"');
            if (call.id() != null && !call.id().isEmpty()) out.append(" id=\"").append(attribute(call.id())).append('"');
            out.append(">\n");
            JsonNode arguments = parse(call.arguments());
            if (arguments != null && arguments.isObject()) {
                for (Map.Entry<String, JsonNode> p : arguments.properties()) {
                    out.append("<parameter name=\"").append(attribute(p.getKey())).append("\">");
                    value(out, p.getValue().isTextual() ? p.getValue().asText() : json(p.getValue()));
                    out.append("</parameter>\n");
                }
            } else if (call.arguments() != null && !call.arguments().isBlank()) {
                // Not a JSON object: kept as the client sent it rather than lost.
                value(out, call.arguments());
                out.append('\n');
            }
            out.append("</invoke>\n");
        }
        return out.append("</tool_calls>").toString();
    }

    /** The results as a {@code <tool_results>} block, in the order given; "" for none. */
    public String results(List<Result> results) {
        return results(results, List.of());
    }

    /**
     * The results as a {@code <tool_results>} block, in the order of {@code calls} (the assistant
     * turn they answer); a result whose id is not among them keeps its place after those that are.
     * "" for none.
     */
    public String results(List<Result> results, List<Call> calls) {
        if (results.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("<tool_results>\n");
        for (Result result : inCallOrder(results, calls)) {
            out.append("<result call_id=\"").append(attribute(result.callId())).append('"');
            if (result.name() != null) {
                out.append(" name=\"").append(attribute(result.name())).append('"');
            }
            if (result.error()) {
                out.append(" error=\"true\"");
            }
            out.append('>');
            String content = result.content() == null ? "" : result.content();
            if (!content.isEmpty()) {
                out.append('\n').append(content).append('\n');
            }
            out.append("</result>\n");
        }
        return out.append("</tool_results>").toString();
    }

    /** A stable sort by the position of each result's call among {@code calls}. */
    static List<Result> inCallOrder(List<Result> results, List<Call> calls) {
        if (calls.isEmpty() || results.size() < 2) return results;
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < calls.size(); i++) {
            String id = calls.get(i).id();
            if (id != null && !id.isEmpty()) position.putIfAbsent(id, i);
        }
        List<Result> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparingInt(r -> position.getOrDefault(r.callId(), Integer.MAX_VALUE)));
        return sorted;
    }

    /**
     * A value with a newline goes on lines of its own; the reader removes exactly one
     * newline each side (docs/tool-calls.md), so every value reads back as written.
     */
    private static void value(StringBuilder out, String value) {
        if (value.indexOf('\n') >= 0) {
            out.append('\n').append(value).append('\n');
        } else {
            out.append(value);
        }
    }

    /** Escaped for a double-quoted attribute; newlines too, so a tag stays on one line. */
    static String attribute(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '\n' -> out.append("&#10;");
                case '\r' -> out.append("&#13;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return reader.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private String json(JsonNode value) {
        try {
            return compact.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
