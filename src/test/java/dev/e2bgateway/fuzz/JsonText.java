package dev.e2bgateway.fuzz;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Map;

/**
 * Writes a JSON tree as text by hand, in one of several styles. Jackson's own writer refuses
 * strings holding half a surrogate pair, which the fuzzers want to send: here such a char is
 * written as its {@code \\uXXXX} escape, as a client's JSON library would.
 */
final class JsonText {

    enum Style {
        /** No whitespace, non-ASCII as UTF-8. */
        COMPACT,
        /** Spaces, newlines and tabs between every token. */
        SPACED,
        /** Every non-ASCII char as a {@code \\uXXXX} escape (a pair for characters beyond the BMP). */
        ESCAPED
    }

    private JsonText() {
    }

    static String write(JsonNode node, Style style) {
        StringBuilder out = new StringBuilder();
        write(node, style, out);
        return out.toString();
    }

    private static void write(JsonNode node, Style style, StringBuilder out) {
        String gap = style == Style.SPACED ? " \n\t" : "";
        if (node.isObject()) {
            out.append('{').append(gap);
            Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                string(f.getKey(), style, out);
                out.append(gap).append(':').append(gap);
                write(f.getValue(), style, out);
                if (fields.hasNext()) out.append(',').append(gap);
            }
            out.append(gap).append('}');
        } else if (node.isArray()) {
            out.append('[').append(gap);
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) out.append(',').append(gap);
                write(node.get(i), style, out);
            }
            out.append(gap).append(']');
        } else if (node.isTextual()) {
            string(node.asText(), style, out);
        } else if (node.isNumber()) {
            out.append(node.numberValue()); // BigDecimal prints 1E+400, which is valid JSON
        } else {
            out.append(node); // true, false, null
        }
    }

    static void string(String s, Style style, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean paired = Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                    : !Character.isLowSurrogate(c) || i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || !paired || style == Style.ESCAPED && c > 0x7e) unicodeEscape(c, out);
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }

    static void unicodeEscape(char c, StringBuilder out) {
        out.append("\\u");
        for (int shift = 12; shift >= 0; shift -= 4) out.append(Character.forDigit((c >> shift) & 0xf, 16));
    }
}
