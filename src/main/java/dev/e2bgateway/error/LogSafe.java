package dev.e2bgateway.error;

/**
 * Text a client (or the upstream) controls, made fit for one log line (CWE-117, log forgery):
 * line breaks and every other control character (C0, DEL, C1, U+2028/2029) become visible
 * escapes, a backslash is doubled so an escape cannot be faked, and the length is capped so one
 * request cannot flood the log. Applied to everything echoed into a log line: the model, the
 * path, key prefixes, error messages (which quote the client's values), tool names.
 */
public final class LogSafe {

    /** Enough for any real model, path or id; an error message gets {@link #MESSAGE_CHARS}. */
    public static final int VALUE_CHARS = 200;
    public static final int MESSAGE_CHARS = 1_000;

    private LogSafe() {
    }

    /** {@code value} escaped and cut to {@link #VALUE_CHARS}; "null" for null. */
    public static String text(Object value) {
        return text(value, VALUE_CHARS);
    }

    /** An error message (it may quote several of the client's values): escaped and cut to {@link #MESSAGE_CHARS}. */
    public static String message(Object value) {
        return text(value, MESSAGE_CHARS);
    }

    /** {@code value} escaped and cut to {@code max} characters of the original, saying how many were left off. */
    public static String text(Object value, int max) {
        String s = String.valueOf(value);
        int n = Math.min(s.length(), max);
        if (n > 0 && n < s.length() && Character.isHighSurrogate(s.charAt(n - 1))) n--; // never half a character
        StringBuilder out = null;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            String escape = escape(c);
            if (escape == null) {
                if (out != null) out.append(c);
                continue;
            }
            if (out == null) out = new StringBuilder(n + 16).append(s, 0, i);
            out.append(escape);
        }
        if (out == null) {
            if (n == s.length()) return s;
            out = new StringBuilder(n + 24).append(s, 0, n);
        }
        if (n < s.length()) out.append("...(").append(s.length() - n).append(" more chars)");
        return out.toString();
    }

    private static String escape(char c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            case '\\' -> "\\\\";
            default -> c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
                    ? String.format("\\u%04x", (int) c) : null;
        };
    }
}
