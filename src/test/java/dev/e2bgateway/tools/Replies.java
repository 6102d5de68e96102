package dev.e2bgateway.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.tools.ToolCallEvent.Rejected;
import dev.e2bgateway.tools.ToolCallEvent.Text;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Runs a reply through a parser in given pieces, and the tools the parser tests offer. */
final class Replies {

    static final ObjectMapper JSON = new ObjectMapper();

    static final List<Tool> TOOLS = List.of(
            function("get_weather", "Weather forecast for a city.", """
                    {"type":"object","properties":{
                      "city":{"type":"string"},
                      "days":{"type":"integer","minimum":1}},
                     "required":["city"],"additionalProperties":false}"""),
            function("get_time", "Current time in a zone.", """
                    {"type":"object","properties":{"zone":{"type":"string"}},"required":["zone"]}"""),
            function("configure", "Every JSON type.", """
                    {"type":"object","properties":{
                      "n":{"type":"number"},"i":{"type":"integer"},"b":{"type":"boolean"},
                      "a":{"type":"array"},"o":{"type":"object"},"z":{"type":"null"},
                      "maybe":{"type":["integer","null"]}}}"""),
            function("write_file", "Writes a file.", """
                    {"type":"object","properties":{
                      "path":{"type":"string"},"content":{"type":"string"}},
                     "required":["path","content"]}"""),
            Tool.custom("apply_patch", "Applies a patch in the V4A format."));

    private Replies() {
    }

    static List<ToolCallEvent> parse(ToolChoice choice, List<String> pieces) {
        List<ToolCallEvent> events = new ArrayList<>();
        ToolCallParser parser = new ToolCallParser(TOOLS, choice, JSON, events::add);
        pieces.forEach(parser::feed);
        parser.finish();
        return events;
    }

    static List<String> splitAt(String reply, int... offsets) {
        List<String> pieces = new ArrayList<>();
        int from = 0;
        for (int offset : offsets) {
            pieces.add(reply.substring(from, offset));
            from = offset;
        }
        pieces.add(reply.substring(from));
        return pieces;
    }

    static List<String> chunks(String reply, int size) {
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < reply.length(); i += size) {
            pieces.add(reply.substring(i, Math.min(reply.length(), i + size)));
        }
        return pieces;
    }

    /** Adjacent text events joined: how the text was cut depends on the pieces, not the reply. */
    static List<ToolCallEvent> merged(List<ToolCallEvent> events) {
        List<ToolCallEvent> out = new ArrayList<>();
        for (ToolCallEvent e : events) {
            int last = out.size() - 1;
            if (e instanceof Text t && last >= 0 && out.get(last) instanceof Text previous) {
                out.set(last, new Text(previous.text() + t.text()));
            } else {
                out.add(e);
            }
        }
        return out;
    }

    /** {@link #merged}, with rejection details blanked: the tables compare reasons only. */
    static List<ToolCallEvent> outline(List<ToolCallEvent> events) {
        return merged(events).stream()
                .map(e -> e instanceof Rejected r ? new Rejected(r.text(), r.reason(), "") : e)
                .toList();
    }

    static String visibleText(List<ToolCallEvent> events) {
        StringBuilder text = new StringBuilder();
        events.forEach(e -> text.append(e.visibleText()));
        return text.toString();
    }

    private static Tool function(String name, String description, String schema) {
        try {
            return Tool.function(name, description, JSON.readTree(schema));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
