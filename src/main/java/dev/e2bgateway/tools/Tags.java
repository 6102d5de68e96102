package dev.e2bgateway.tools;

/**
 * Recognises the call format's tags (docs/tool-calls.md) at a position of text that
 * is still arriving: each match is full, impossible, or still possible once more text
 * comes. Pure functions over a {@link CharSequence}; nothing is copied while matching.
 */
final class Tags {

    enum Match { NONE, PARTIAL, FULL }

    /**
     * A start tag: where it ends (after {@code >}) and its {@code name} attribute, if any.
     */
    record StartTag(Match match, int end, String name) {
        static final StartTag NO = new StartTag(Match.NONE, -1, null);
        static final StartTag MAYBE = new StartTag(Match.PARTIAL, -1, null);

        boolean full() {
            return match == Match.FULL;
        }

        boolean partial() {
            return match == Match.PARTIAL;
        }
    }

    /**
     * Where a call block opens.
     *
     * @param bodyStart where the block's contents begin: after {@code <tool_calls>}, or at
     *                  the {@code <invoke} of a block written without the wrapper
     */
    record Opener(Match match, int bodyStart, boolean wrapped, boolean fenced) {
        static final Opener NO = new Opener(Match.NONE, -1, false, false);
        static final Opener MAYBE = new Opener(Match.PARTIAL, -1, false, false);
    }

    static final String TOOL_CALLS = "<tool_calls";
    static final String TOOL_CALLS_END = "</tool_calls>";
    static final String INVOKE = "<invoke";
    static final String INVOKE_END = "</invoke>";
    static final String PARAMETER = "<parameter";
    static final String PARAMETER_END = "</parameter>";
    static final String FENCE = "```";

    /** Returned by {@link #literal} when the text cannot match. */
    static final int NONE = -1;
    /** Returned by {@link #literal} when the text ends inside a possible match. */
    static final int PARTIAL = -2;

    /**
     * A start tag longer than this is not one: bounds how much text is held back while a
     * tag might still be arriving.
     */
    private static final int MAX_TAG = 512;
    /** A fence's info string ({@code ```xml}) longer than this is not an opener. */
    private static final int MAX_INFO = 32;
    /**
     * Blank space between a fence and its tag longer than this is not an opener: bounds how
     * much is held back (and rescanned) after a fence followed by a run of spaces.
     */
    static final int MAX_FENCE_SPACE = 256;

    private Tags() {
    }

    /** The end of {@code literal} at {@code from}, {@link #PARTIAL} or {@link #NONE}. */
    static int literal(CharSequence s, int from, String literal) {
        int n = s.length();
        for (int k = 0; k < literal.length(); k++) {
            if (from + k >= n) {
                return PARTIAL;
            }
            if (s.charAt(from + k) != literal.charAt(k)) {
                return NONE;
            }
        }
        return from + literal.length();
    }

    /**
     * A start tag {@code <tag attr="v" ...>} at {@code from}; {@code open} is {@code "<tag"}.
     * Attribute values are in double quotes (single quotes are accepted too) and hold no
     * {@code <}, {@code >} or newline, so ordinary text such as {@code <invoked} or
     * {@code <invoke the tool>} is rejected early.
     */
    static StartTag startTag(CharSequence s, int from, String open) {
        int i = literal(s, from, open);
        if (i == NONE) {
            return StartTag.NO;
        }
        if (i == PARTIAL) {
            return StartTag.MAYBE;
        }
        int n = s.length();
        String name = null;
        while (true) {
            if (i >= n) {
                return unfinished(from, i);
            }
            char c = s.charAt(i);
            if (c == '>') {
                return new StartTag(Match.FULL, i + 1, name);
            }
            if (!isSpace(c)) {
                return StartTag.NO;
            }
            i = skipSpace(s, i);
            if (i >= n) {
                return unfinished(from, i);
            }
            if (s.charAt(i) == '>') {
                return new StartTag(Match.FULL, i + 1, name);
            }
            int attr = i;
            while (i < n && isAttributeChar(s.charAt(i))) {
                i++;
            }
            int attrEnd = i;
            if (attrEnd == attr) {
                return StartTag.NO;
            }
            i = skipSpace(s, i);
            if (i >= n) {
                return unfinished(from, i);
            }
            if (s.charAt(i) != '=') {
                return StartTag.NO;
            }
            i = skipSpace(s, i + 1);
            if (i >= n) {
                return unfinished(from, i);
            }
            char quote = s.charAt(i);
            if (quote != '"' && quote != '\'') {
                return StartTag.NO;
            }
            int value = ++i;
            while (i < n && s.charAt(i) != quote) {
                char v = s.charAt(i);
                if (v == '<' || v == '>' || v == '\n' || i - from > MAX_TAG) {
                    return StartTag.NO;
                }
                i++;
            }
            if (i >= n) {
                return unfinished(from, i);
            }
            if (attrEnd - attr == 4 && regionIs(s, attr, "name")) {
                name = s.subSequence(value, i).toString();
            }
            i++;
        }
    }

    /**
     * A block opener at {@code at} (a {@code <} or a backtick): {@code <tool_calls>}, a
     * named {@code <invoke>} without the wrapper, or either of those on the line after a
     * code fence ({@code ```}, {@code ```xml}). Forgiving on purpose: these are the ways
     * models get the format wrong most (docs/tool-calls.md, "When the model gets it wrong").
     */
    static Opener opener(CharSequence s, int at) {
        if (s.charAt(at) == '<') {
            return tagOpener(s, at, false);
        }
        int i = literal(s, at, FENCE);
        if (i == NONE) {
            return Opener.NO;
        }
        if (i == PARTIAL) {
            return Opener.MAYBE;
        }
        int n = s.length();
        int info = i;
        while (i < n && isInfoChar(s.charAt(i))) {
            if (i - info >= MAX_INFO) {
                return Opener.NO;
            }
            i++;
        }
        int space = i;
        while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\r')) {
            if (i - space >= MAX_FENCE_SPACE) {
                return Opener.NO;
            }
            i++;
        }
        if (i >= n) {
            return Opener.MAYBE;
        }
        if (s.charAt(i) != '\n') {
            return Opener.NO;
        }
        // The same bound wherever the pieces were cut: counted on the whole run, not on what has arrived.
        int line = i + 1;
        i = skipSpace(s, line, line + MAX_FENCE_SPACE + 1);
        if (i - line > MAX_FENCE_SPACE) {
            return Opener.NO;
        }
        if (i >= n) {
            return Opener.MAYBE;
        }
        return s.charAt(i) == '<' ? tagOpener(s, i, true) : Opener.NO;
    }

    private static Opener tagOpener(CharSequence s, int at, boolean fenced) {
        StartTag wrapper = startTag(s, at, TOOL_CALLS);
        if (wrapper.full()) {
            return new Opener(Match.FULL, wrapper.end(), true, fenced);
        }
        StartTag invoke = startTag(s, at, INVOKE);
        if (invoke.full() && invoke.name() != null) {
            return new Opener(Match.FULL, at, false, fenced);
        }
        return wrapper.partial() || invoke.partial() ? Opener.MAYBE : Opener.NO;
    }

    static int skipSpace(CharSequence s, int from) {
        return skipSpace(s, from, Integer.MAX_VALUE);
    }

    /** Like {@link #skipSpace(CharSequence, int)}, looking no further than {@code limit}. */
    static int skipSpace(CharSequence s, int from, int limit) {
        int i = from;
        int end = Math.min(s.length(), limit);
        while (i < end && isSpace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\n' || c == '\t' || c == '\r';
    }

    private static StartTag unfinished(int from, int at) {
        return at - from > MAX_TAG ? StartTag.NO : StartTag.MAYBE;
    }

    private static boolean isAttributeChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == ':';
    }

    private static boolean isInfoChar(char c) {
        return isAttributeChar(c) || c == '+' || c == '.' || c == '#';
    }

    private static boolean regionIs(CharSequence s, int from, String word) {
        for (int k = 0; k < word.length(); k++) {
            if (s.charAt(from + k) != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
