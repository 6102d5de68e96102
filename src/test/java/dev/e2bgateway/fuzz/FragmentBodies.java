package dev.e2bgateway.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Valid fragment objects as an upstream model might write them (docs/upstream.md):
 * any key order, any whitespace, the contract's other fields or none of them, extra fields
 * nested any way, and a {@code code} string with every escape JSON has, {@code \\uXXXX} in
 * either case, surrogate pairs raw or escaped, even half pairs. Written by hand, since no JSON
 * library writes that variety.
 */
final class FragmentBodies {

    private static final ObjectMapper REFERENCE = new ObjectMapper();
    private static final Set<String> FIXED = Set.of("code", "commentary", "template", "title", "description",
            "additional_dependencies", "has_additional_dependencies", "install_dependencies_command", "port", "file_path");

    /** A body and the reply it holds, by the reference decoder. */
    record Body(byte[] bytes, String expected) {
        @Override
        public String toString() {
            return new Input(bytes) + ", expected reply: " + Input.of(expected);
        }
    }

    private FragmentBodies() {
    }

    /** Reply text: plain, escaped, multi-byte, astral, and now and then half a surrogate pair. */
    static Gen<String> code() {
        Gen<String> piece = Gen.frequency(
                Gen.w(4, Gen.ascii(12)),
                Gen.w(2, Gen.chars('\u0000', '\u001f', 3)),
                Gen.w(2, Gen.chars('\u0080', '\u07ff', 4)),
                Gen.w(2, Gen.chars('\u4e00', '\u9fff', 4)),
                Gen.w(2, Gen.of("😀", "👩‍💻", "🎉", "\ud800\udc00", "\udbff\udfff", "𝄞")),
                Gen.w(2, Gen.of("\"", "\\", "/", "\\u", "\\ud83d", "}", "]", "{\"code\":\"x\"}", "\ufeff", "\u2028",
                        "\ufffd", "\u007f", "\n", "\r\n", "\t")),
                Gen.w(1, Gen.anyChars(4))); // lone surrogates included
        return piece.list(10).map(list -> String.join("", list));
    }

    static Gen<Body> valid() {
        Gen<String> code = Gen.frequency(Gen.w(8, code()), Gen.w(2, Gen.just("")), Gen.w(1, Gen.just((String) null)));
        Gen<String> commentary = code().orNull(0.2);
        Gen<List<String>> fixed = Gen.subsetOf(List.of("template", "title", "description", "additional_dependencies",
                "has_additional_dependencies", "install_dependencies_command", "port", "file_path"));
        Gen<Map<String, JsonNode>> extra = Gen.maps(JsonValues.fieldNames().filter(k -> !FIXED.contains(k) && k.equals(wellFormed(k))), JsonValues.values(), 3);
        return r -> body(code.next(r), commentary.next(r), fixed.next(r), extra.next(r), new Random(r.nextLong()), r.nextBoolean());
    }

    private static Body body(String code, String commentary, List<String> fixed, Map<String, JsonNode> extra, Random random, boolean bom) {
        List<String[]> entries = new ArrayList<>(); // key, value as written
        if (code != null) entries.add(new String[]{"code", string(code, random)});
        if (commentary != null) entries.add(new String[]{"commentary", string(commentary, random)});
        for (String f : fixed) {
            String value = switch (f) {
                case "additional_dependencies" -> "[" + string("}", random) + "," + ws(random) + string("[{\"tricky\": \"]\"}]", random) + "]";
                case "has_additional_dependencies" -> "false";
                case "port" -> random.nextBoolean() ? "null" : "-3.5e2";
                default -> string("chat \"" + f + "\" {", random);
            };
            entries.add(new String[]{f, value});
        }
        extra.forEach((k, v) -> entries.add(new String[]{k, value(v, random)}));
        java.util.Collections.shuffle(entries, random);
        StringBuilder out = new StringBuilder(bom ? "\ufeff" : "").append(ws(random)).append('{').append(ws(random));
        for (int i = 0; i < entries.size(); i++) {
            if (i > 0) out.append(',').append(ws(random));
            out.append(string(entries.get(i)[0], random)).append(ws(random)).append(':').append(ws(random)).append(entries.get(i)[1]).append(ws(random));
        }
        out.append('}').append(random.nextInt(4) == 0 ? "\n" : "");
        byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
        return new Body(bytes, reference(bytes));
    }

    /** The reply by a full parse: {@code code}, or {@code commentary} when code is empty, half pairs made U+FFFD. */
    static String reference(byte[] bytes) {
        JsonNode node;
        try {
            node = REFERENCE.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("the generator wrote invalid JSON", e);
        }
        String code = node.path("code").asText("");
        return wellFormed(code.isEmpty() ? node.path("commentary").asText("") : code);
    }

    static String wellFormed(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else {
                out.append(Character.isSurrogate(c) ? '\ufffd' : c);
            }
        }
        return out.toString();
    }

    /**
     * A JSON string, each character written raw or escaped (short form, \\u in either case, \\/), as
     * chance decides; both halves of a surrogate pair the same way (raw, or two escapes), since
     * half a pair cannot be written raw in UTF-8.
     */
    static String string(String s, Random random) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            String shortForm = switch (c) {
                case '"' -> "\\\"";
                case '\\' -> "\\\\";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                case '\b' -> "\\b";
                case '\f' -> "\\f";
                case '/' -> "\\/";
                default -> null;
            };
            boolean mustEscape = c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c) && !pair;
            int choice = random.nextInt(6);
            if (!mustEscape && choice < 3) {
                out.append(c);
                if (pair) out.append(s.charAt(++i));
            } else if (shortForm != null && choice % 2 == 0) {
                out.append(shortForm);
            } else {
                unicodeEscape(c, random, out);
                if (pair) unicodeEscape(s.charAt(++i), random, out);
            }
        }
        return out.append('"').toString();
    }

    private static void unicodeEscape(char c, Random random, StringBuilder out) {
        String hex = String.format("%04x", (int) c);
        out.append("\\u").append(random.nextBoolean() ? hex : hex.toUpperCase(java.util.Locale.ROOT));
    }

    private static String value(JsonNode v, Random random) {
        if (v.isTextual()) return string(v.asText(), random);
        if (v.isArray()) {
            StringBuilder out = new StringBuilder("[").append(ws(random));
            for (int i = 0; i < v.size(); i++) out.append(i > 0 ? "," + ws(random) : "").append(value(v.get(i), random)).append(ws(random));
            return out.append(']').toString();
        }
        if (v.isObject()) {
            StringBuilder out = new StringBuilder("{").append(ws(random));
            boolean first = true;
            for (Map.Entry<String, JsonNode> e : v.properties()) {
                if (!first) out.append(',').append(ws(random));
                first = false;
                // Jackson refuses half surrogate pairs in names (not in values), so names are made whole.
                out.append(string(wellFormed(e.getKey()), random)).append(ws(random)).append(':').append(ws(random)).append(value(e.getValue(), random));
            }
            return out.append(ws(random)).append('}').toString();
        }
        return v.isNumber() ? v.numberValue().toString() : v.toString();
    }

    private static String ws(Random random) {
        return switch (random.nextInt(8)) {
            case 0 -> " ";
            case 1 -> "\n";
            case 2 -> "\t";
            case 3 -> "\r\n  ";
            default -> "";
        };
    }
}
