package dev.e2bgateway.support;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Fragment objects as the upstream's models write them: the contract's fields, in its order. */
public final class Fragments {

    private static final ObjectMapper PLAIN = new ObjectMapper();
    private static final ObjectMapper ESCAPED = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    private Fragments() {
    }

    public static String json(String commentary, String code) {
        return write(PLAIN, commentary, code, false);
    }

    /** Pretty-printed, with newlines and indentation between the fields. */
    public static String jsonPretty(String commentary, String code) {
        return write(PLAIN, commentary, code, true);
    }

    /** Every non-ASCII character as a backslash-u escape (characters beyond the BMP as two, a surrogate pair). */
    public static String jsonAsciiEscaped(String commentary, String code) {
        return write(ESCAPED, commentary, code, false);
    }

    private static String write(ObjectMapper mapper, String commentary, String code, boolean pretty) {
        ObjectNode o = mapper.createObjectNode();
        o.put("commentary", commentary);
        o.put("template", "chat");
        o.put("title", "Reply");
        o.put("description", "A reply.");
        o.putArray("additional_dependencies").add("none").add("[{\"tricky\": \"}\"}]");
        o.put("has_additional_dependencies", false);
        o.put("install_dependencies_command", "");
        o.putNull("port");
        o.put("file_path", "reply.md");
        o.put("code", code);
        try {
            return pretty ? mapper.writerWithDefaultPrettyPrinter().writeValueAsString(o) : mapper.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
