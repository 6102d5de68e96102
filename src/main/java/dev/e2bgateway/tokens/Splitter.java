package dev.e2bgateway.tokens;

/**
 * The pre-tokenizers of OpenAI's encodings, written out by hand: each returns where the piece
 * that starts at code point {@code i} ends, exactly where the encoding's regular expression
 * (with Java's Unicode character classes) would end its match. A regular expression took three
 * quarters of the counting time.
 */
enum Splitter {

    /**
     * cl100k_base: {@code '(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]++[\r\n]*
     * |\s*[\r\n]|\s+(?!\S)|\s+}
     */
    CL100K {
        @Override
        int end(int[] c, int i, int n) {
            int c0 = c[i];
            if (c0 == '\'' && i + 1 < n) {
                int c1 = c[i + 1];
                if (caseless(c1, 's') || caseless(c1, 'd') || caseless(c1, 'm') || caseless(c1, 't')) return i + 2;
                if (i + 2 < n && longContraction(c1, c[i + 2])) return i + 3;
            }
            if (isLetter(c0)) return letterRun(c, i + 1, n);
            if (notNewlineLetterNumber(c0) && i + 1 < n && isLetter(c[i + 1])) return letterRun(c, i + 2, n);
            if (isNumber(c0)) return numbers(c, i, n);
            int p = punctuation(c, i, n, false);
            return p >= 0 ? p : whitespace(c, i, n);
        }
    },

    /**
     * o200k_base: {@code [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
     * |[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?
     * |\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+}
     */
    O200K {
        @Override
        int end(int[] c, int i, int n) {
            boolean prefix = notNewlineLetterNumber(c[i]) && i + 1 < n;
            // The first alternative in full (with the optional prefix, then without), then the second.
            int e = prefix ? lowerWord(c, i + 1, n) : -1;
            if (e < 0) e = lowerWord(c, i, n);
            if (e < 0 && prefix) e = upperWord(c, i + 1, n);
            if (e < 0) e = upperWord(c, i, n);
            if (e >= 0) return contraction(c, e, n);
            if (isNumber(c[i])) return numbers(c, i, n);
            int p = punctuation(c, i, n, true);
            return p >= 0 ? p : whitespace(c, i, n);
        }

        /** {@code U* L+}, backtracking as the regex does: the longest upper run that still leaves a lower one. */
        private int lowerWord(int[] c, int j, int n) {
            int k = j;
            while (k < n && isUpperish(c[k])) k++;
            int q = k;
            if (q >= n || !isLowerish(c[q])) {
                q = k - 1;
                while (q >= j && !isLowerish(c[q])) q--;
                if (q < j) return -1;
            }
            int m = q + 1;
            while (m < n && isLowerish(c[m])) m++;
            return m;
        }

        /** {@code U+ L*}. */
        private int upperWord(int[] c, int j, int n) {
            int k = j;
            while (k < n && isUpperish(c[k])) k++;
            if (k == j) return -1;
            while (k < n && isLowerish(c[k])) k++;
            return k;
        }

        /** {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)?} */
        private int contraction(int[] c, int e, int n) {
            if (e + 1 >= n || c[e] != '\'') return e;
            int x = c[e + 1];
            if (caseless(x, 's') || caseless(x, 't') || caseless(x, 'm') || caseless(x, 'd')) return e + 2;
            if (e + 2 < n && longContraction(x, c[e + 2])) return e + 3;
            return e;
        }
    };

    /** Where the piece starting at {@code c[i]} ends; {@code i < n}. */
    abstract int end(int[] c, int i, int n);

    static int letterRun(int[] c, int from, int n) {
        int e = from;
        while (e < n && isLetter(c[e])) e++;
        return e;
    }

    static int numbers(int[] c, int i, int n) {
        int e = i + 1;
        while (e < n && e < i + 3 && isNumber(c[e])) e++;
        return e;
    }

    /**
     * {@code ' ?[^\s\p{L}\p{N}]+'} then the line ends that follow ({@code [\r\n]*}, with
     * {@code slashes} {@code [\r\n/]*}); -1 if no punctuation starts at {@code i}.
     */
    static int punctuation(int[] c, int i, int n, boolean slashes) {
        int p = i;
        if (c[i] == ' ' && i + 1 < n && isPunctuation(c[i + 1])) p++;
        if (!isPunctuation(c[p])) return -1;
        p++;
        while (p < n && isPunctuation(c[p])) p++;
        while (p < n && (c[p] == '\r' || c[p] == '\n' || (slashes && c[p] == '/'))) p++;
        return p;
    }

    /** {@code \s*[\r\n]+ | \s+(?!\S) | \s+} for a whitespace run at {@code i} (cl100k's {@code \s*[\r\n]} ends the same way). */
    static int whitespace(int[] c, int i, int n) {
        int e = i;
        int lastNewline = -1;
        while (e < n && isWhitespace(c[e])) {
            if (c[e] == '\r' || c[e] == '\n') lastNewline = e;
            e++;
        }
        if (e == i) return i + 1; // not reached: every code point starts one of the alternatives
        if (lastNewline >= 0) return lastNewline + 1;
        if (e == n || e - i == 1) return e;
        return e - 1;
    }

    /** Java's case-insensitive Unicode match of a code point against a lower-case ASCII letter (so {@code ſ} is an {@code s}). */
    static boolean caseless(int cp, char lower) {
        return cp == lower || Character.toLowerCase(Character.toUpperCase(cp)) == lower;
    }

    static boolean longContraction(int a, int b) {
        return (caseless(a, 'l') && caseless(b, 'l')) || (caseless(a, 'v') && caseless(b, 'e')) || (caseless(a, 'r') && caseless(b, 'e'));
    }

    static boolean isLetter(int cp) {
        if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER, Character.MODIFIER_LETTER,
                 Character.OTHER_LETTER -> true;
            default -> false;
        };
    }

    static boolean isNumber(int cp) {
        if (cp < 0x80) return cp >= '0' && cp <= '9';
        return switch (Character.getType(cp)) {
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> true;
            default -> false;
        };
    }

    /** {@code [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]} */
    static boolean isUpperish(int cp) {
        if (cp < 0x80) return cp >= 'A' && cp <= 'Z';
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.TITLECASE_LETTER, Character.MODIFIER_LETTER, Character.OTHER_LETTER,
                 Character.NON_SPACING_MARK, Character.COMBINING_SPACING_MARK, Character.ENCLOSING_MARK -> true;
            default -> false;
        };
    }

    /** {@code [\p{Ll}\p{Lm}\p{Lo}\p{M}]} */
    static boolean isLowerish(int cp) {
        if (cp < 0x80) return cp >= 'a' && cp <= 'z';
        return switch (Character.getType(cp)) {
            case Character.LOWERCASE_LETTER, Character.MODIFIER_LETTER, Character.OTHER_LETTER,
                 Character.NON_SPACING_MARK, Character.COMBINING_SPACING_MARK, Character.ENCLOSING_MARK -> true;
            default -> false;
        };
    }

    /** {@code \s} with Unicode classes: the White_Space property. */
    static boolean isWhitespace(int cp) {
        if (cp < 0x80) return cp == ' ' || (cp >= 0x09 && cp <= 0x0d);
        if (cp == 0x85) return true;
        int type = Character.getType(cp);
        return type == Character.SPACE_SEPARATOR || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }

    /** {@code [^\r\n\p{L}\p{N}]} */
    static boolean notNewlineLetterNumber(int cp) {
        return cp != '\r' && cp != '\n' && !isLetter(cp) && !isNumber(cp);
    }

    /** {@code [^\s\p{L}\p{N}]} */
    static boolean isPunctuation(int cp) {
        return !isWhitespace(cp) && !isLetter(cp) && !isNumber(cp);
    }
}
