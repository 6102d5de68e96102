package dev.e2bgateway.upstream;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the upstream's reply, one JSON object of the fragment schema (see
 * docs/upstream.md), as its bytes arrive, and returns the growth of the
 * {@code code} string after every read. Pure: no I/O, no threads.
 *
 * <p>Nothing about the text's shape is assumed: keys may come in any order with any
 * spacing, other fields may be missing or nested, and reads may split escapes,
 * {@code \\uXXXX} surrogate pairs and multi-byte UTF-8 characters anywhere. The deltas
 * joined are exactly the {@code code} value a full JSON parse gives; a high surrogate is
 * held back until its partner arrives, so no delta ends in half a character.
 */
public final class FragmentReader {

    private enum State { BEFORE, KEY_OR_END, KEY, COLON, VALUE, STRING, SCALAR, NESTED, AFTER_VALUE, DONE }

    private enum Target { KEY, CODE, COMMENTARY, OTHER }

    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private ByteBuffer carry = ByteBuffer.allocate(0);

    private State state = State.BEFORE;
    private Target target = Target.OTHER;
    private final StringBuilder key = new StringBuilder();
    private final StringBuilder commentary = new StringBuilder();
    private final StringBuilder code = new StringBuilder(); // not yet returned
    private long codeLength;

    // string decoding
    private boolean escape;
    private int hexDigits = -1; // -1: not in a \\u escape
    private int hexValue;

    // a nested array or object value, skipped
    private int depth;
    private boolean nestedString;
    private boolean nestedEscape;

    /** Feeds the next bytes; returns what the {@code code} string grew by (possibly ""). */
    public String feed(byte[] bytes, int offset, int length) throws FragmentException {
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
        if (carry.hasRemaining()) {
            in = ByteBuffer.allocate(carry.remaining() + length).put(carry).put(in).flip();
        }
        CharBuffer chars = CharBuffer.allocate(in.remaining() + 2);
        utf8.decode(in, chars, false);
        carry = in.hasRemaining() ? ByteBuffer.allocate(in.remaining()).put(in).flip() : ByteBuffer.allocate(0);
        accept(chars.flip());
        return takeCode();
    }

    /** Convenience for tests and callers holding text. */
    public String feed(byte[] bytes) throws FragmentException {
        return feed(bytes, 0, bytes.length);
    }

    /**
     * The upstream body ended. Returns the text still to be sent: a held-back character,
     * or the {@code commentary} when {@code code} stayed empty.
     *
     * @throws FragmentException if the object never closed (the reply was cut off)
     */
    public String finish() throws FragmentException {
        CharBuffer chars = CharBuffer.allocate(carry.remaining() + 2);
        utf8.decode(carry, chars, true);
        utf8.flush(chars);
        accept(chars.flip());
        if (state != State.DONE) {
            throw new FragmentException(state == State.BEFORE ? FragmentException.Kind.EMPTY : FragmentException.Kind.CUT,
                    state == State.BEFORE ? "the upstream sent an empty reply"
                            : "the upstream reply ended before its JSON object closed");
        }
        String rest = code.toString();
        code.setLength(0);
        if (!rest.isEmpty() && Character.isHighSurrogate(rest.charAt(rest.length() - 1))) {
            rest = rest.substring(0, rest.length() - 1) + "\uFFFD"; // its partner never came
        }
        return wellFormed(codeLength == 0 ? commentary.toString() : rest);
    }

    private String takeCode() {
        int n = code.length();
        if (n == 0) return "";
        if (Character.isHighSurrogate(code.charAt(n - 1))) {
            if (n == 1) return "";
            String out = code.substring(0, n - 1);
            code.delete(0, n - 1);
            return wellFormed(out);
        }
        String out = code.toString();
        code.setLength(0);
        return wellFormed(out);
    }

    /**
     * Replaces surrogates without a partner (a model can write {@code \ud83d} and then something
     * else) with U+FFFD: JSON writers refuse to encode them, and a reply must never fail for it.
     */
    static String wellFormed(String s) {
        StringBuilder fixed = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean paired = Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                    : !Character.isLowSurrogate(c) || i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
            if (!paired && fixed == null) fixed = new StringBuilder(s.substring(0, i));
            if (fixed != null) fixed.append(paired ? c : '\uFFFD');
        }
        return fixed == null ? s : fixed.toString();
    }

    private void accept(CharBuffer chars) throws FragmentException {
        while (chars.hasRemaining()) {
            char c = chars.get();
            switch (state) {
                case BEFORE -> {
                    if (c == '{') state = State.KEY_OR_END;
                    else if (!isSpace(c) && c != '\uFEFF') throw notJson(c);
                }
                case KEY_OR_END -> {
                    if (c == '"') {
                        key.setLength(0);
                        target = Target.KEY;
                        state = State.KEY;
                    } else if (c == '}') {
                        state = State.DONE;
                    } else if (c != ',' && !isSpace(c)) {
                        throw malformed(c, "a key");
                    }
                }
                case KEY, STRING -> stringChar(c);
                case COLON -> {
                    if (c == ':') state = State.VALUE;
                    else if (!isSpace(c)) throw malformed(c, "':'");
                }
                case VALUE -> value(c);
                case SCALAR -> {
                    if (c == ',') state = State.KEY_OR_END;
                    else if (c == '}') state = State.DONE;
                    else if (isSpace(c)) state = State.AFTER_VALUE;
                }
                case NESTED -> nested(c);
                case AFTER_VALUE -> {
                    if (c == ',') state = State.KEY_OR_END;
                    else if (c == '}') state = State.DONE;
                    else if (!isSpace(c)) throw malformed(c, "',' or '}'");
                }
                case DONE -> { /* anything after the object is ignored */ }
            }
        }
    }

    private void value(char c) throws FragmentException {
        if (isSpace(c)) return;
        if (c == '"') {
            String k = key.toString();
            target = k.equals("code") ? Target.CODE : k.equals("commentary") ? Target.COMMENTARY : Target.OTHER;
            state = State.STRING;
        } else if (c == '{' || c == '[') {
            depth = 1;
            nestedString = false;
            nestedEscape = false;
            state = State.NESTED;
        } else if (c == ',' || c == '}' || c == ']' || c == ':') {
            throw malformed(c, "a value");
        } else {
            state = State.SCALAR;
        }
    }

    private void stringChar(char c) throws FragmentException {
        if (hexDigits >= 0) {
            int digit = Character.digit(c, 16);
            if (digit < 0) throw malformed(c, "a hex digit");
            hexValue = hexValue * 16 + digit;
            if (++hexDigits == 4) {
                hexDigits = -1;
                append((char) hexValue);
            }
        } else if (escape) {
            escape = false;
            switch (c) {
                case '"', '\\', '/' -> append(c);
                case 'n' -> append('\n');
                case 't' -> append('\t');
                case 'r' -> append('\r');
                case 'b' -> append('\b');
                case 'f' -> append('\f');
                case 'u' -> {
                    hexDigits = 0;
                    hexValue = 0;
                }
                default -> throw malformed(c, "an escape character");
            }
        } else if (c == '\\') {
            escape = true;
        } else if (c == '"') {
            state = target == Target.KEY ? State.COLON : State.AFTER_VALUE;
        } else {
            append(c);
        }
    }

    private void append(char c) {
        switch (target) {
            case KEY -> key.append(c);
            case CODE -> {
                code.append(c);
                codeLength++;
            }
            case COMMENTARY -> commentary.append(c);
            case OTHER -> { }
        }
    }

    private void nested(char c) {
        if (nestedString) {
            if (nestedEscape) nestedEscape = false;
            else if (c == '\\') nestedEscape = true;
            else if (c == '"') nestedString = false;
        } else if (c == '"') {
            nestedString = true;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if ((c == '}' || c == ']') && --depth == 0) {
            state = State.AFTER_VALUE;
        }
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    private static FragmentException notJson(char c) {
        return new FragmentException(FragmentException.Kind.NOT_JSON,
                "the upstream reply is not the expected JSON object (it starts with '" + printable(c) + "')");
    }

    private static FragmentException malformed(char c, String expected) {
        return new FragmentException(FragmentException.Kind.MALFORMED,
                "the upstream reply is malformed JSON: expected " + expected + ", got '" + printable(c) + "'");
    }

    private static String printable(char c) {
        return c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }
}
