package dev.e2bgateway.tokens;

/**
 * Counts the tokens of a text in one of OpenAI's encodings, exactly as tiktoken would. The
 * vocabularies are OpenAI's tiktoken files, shipped in this jar (resources beside this class,
 * copied from jtokkit 1.1.0, which the tests use as the reference) and checked by CRC-32 when
 * loaded; the splitting and merging are ours, lean in memory and quick enough to run on every reply.
 */
public final class Tokenizer {

    /**
     * The vocabulary files' CRC-32s: a changed or damaged file fails loudly instead of counting wrong.
     * (Not their SHA-256, which the tests check: a CRC is enough against damage and costs a
     * fiftieth of the time at startup, while the JIT has not compiled the digest yet.)
     */
    static final int O200K_CRC32 = 0x2b33bbc2;
    static final int CL100K_CRC32 = 0xb99e2e8d;

    private final String name;
    private final Splitter splitter;
    private final Vocabulary vocabulary;

    private Tokenizer(String name, Splitter splitter, Vocabulary vocabulary) {
        this.name = name;
        this.splitter = splitter;
        this.vocabulary = vocabulary;
    }

    /** GPT-4o, 4.1, 4.5, 5 and the o-series. Loads its vocabulary (about 0.1 s). */
    public static Tokenizer o200k() {
        return new Tokenizer("o200k_base", Splitter.O200K, Vocabulary.load("o200k_base.tiktoken", O200K_CRC32));
    }

    /** GPT-4 and GPT-3.5. Loads its vocabulary. */
    public static Tokenizer cl100k() {
        return new Tokenizer("cl100k_base", Splitter.CL100K, Vocabulary.load("cl100k_base.tiktoken", CL100K_CRC32));
    }

    public String name() {
        return name;
    }

    /** The tokens of {@code text}, which must be well-formed UTF-16 (no lone surrogates). */
    public int count(String text) {
        return prefix(text, Integer.MAX_VALUE).tokens();
    }

    /**
     * The first tokens of a text, {@code limit} at most, that end on a whole code point: how
     * many, whether the text has more, and how many of its chars they cover.
     */
    public record Prefix(int tokens, boolean truncated, int chars) {}

    /** The first {@code limit} tokens of {@code text} (well-formed UTF-16). */
    public Prefix prefix(String text, int limit) {
        int[] c = codePoints(text);
        int n = c.length;
        byte[] piece = new byte[64];
        int tokens = 0;
        for (int i = 0; i < n; ) {
            int end = splitter.end(c, i, n);
            if (4 * (end - i) > piece.length) piece = new byte[Math.max(piece.length * 2, 4 * (end - i))];
            int length = utf8(c, i, end, piece);
            int pieceTokens = vocabulary.count(piece, length);
            if (pieceTokens > limit - tokens) {
                // This piece crosses the limit: keep those of its first tokens that end on a whole code point.
                int[] ends = vocabulary.tokenEnds(piece, length);
                int kept = 0;
                int keptBytes = 0;
                for (int t = 0, k = i, at = 0; t < limit - tokens; t++) {
                    while (at < ends[t]) at += utf8Length(c[k++]);
                    if (at == ends[t]) {
                        kept = t + 1;
                        keptBytes = at;
                    }
                }
                int chars = 0;
                for (int k = 0; k < i; k++) chars += Character.charCount(c[k]);
                for (int k = i, at = 0; at < keptBytes; k++) {
                    at += utf8Length(c[k]);
                    chars += Character.charCount(c[k]);
                }
                return new Prefix(tokens + kept, true, chars);
            }
            tokens += pieceTokens;
            i = end;
        }
        return new Prefix(tokens, false, text.length());
    }

    /** The text's code points: a plain loop, several times cheaper than {@code codePoints().toArray()} on short texts. */
    private static int[] codePoints(String text) {
        int length = text.length();
        int[] c = new int[text.codePointCount(0, length)];
        for (int i = 0, k = 0; i < length; k++) {
            int cp = text.codePointAt(i);
            c[k] = cp;
            i += Character.charCount(cp);
        }
        return c;
    }

    private static int utf8Length(int cp) {
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }

    /** Writes code points {@code c[from, to)} as UTF-8 into {@code out}; returns the byte count. */
    private static int utf8(int[] c, int from, int to, byte[] piece) {
        int length = 0;
        for (int k = from; k < to; k++) {
            int cp = c[k];
            if (cp < 0x80) {
                piece[length++] = (byte) cp;
            } else if (cp < 0x800) {
                piece[length++] = (byte) (0xc0 | (cp >> 6));
                piece[length++] = (byte) (0x80 | (cp & 0x3f));
            } else if (cp < 0x10000) {
                piece[length++] = (byte) (0xe0 | (cp >> 12));
                piece[length++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                piece[length++] = (byte) (0x80 | (cp & 0x3f));
            } else {
                piece[length++] = (byte) (0xf0 | (cp >> 18));
                piece[length++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                piece[length++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                piece[length++] = (byte) (0x80 | (cp & 0x3f));
            }
        }
        return length;
    }
}
