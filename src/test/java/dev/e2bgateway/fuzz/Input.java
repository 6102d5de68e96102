package dev.e2bgateway.fuzz;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A fuzz input: the bytes as they are sent, printed readably when a property fails (as a Java
 * string literal when they are UTF-8, as hex otherwise), so a failure can be pasted into a
 * regression test.
 */
record Input(byte[] bytes) {

    static Input of(String text) {
        return new Input(text.getBytes(StandardCharsets.UTF_8));
    }

    String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            return bytes.length + " bytes, UTF-8: \"" + escape(text) + "\"";
        } catch (CharacterCodingException e) {
            return bytes.length + " bytes, hex: " + HexFormat.of().formatHex(bytes);
        }
    }

    private static String escape(String s) {
        StringBuilder out = new StringBuilder();
        int limit = Math.min(s.length(), 20_000);
        for (int i = 0; i < limit; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> {
                    if (c < 0x20 || c > 0x7e) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        if (limit < s.length()) out.append("... (").append(s.length() - limit).append(" more chars)");
        return out.toString();
    }
}
