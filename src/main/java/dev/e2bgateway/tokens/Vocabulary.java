package dev.e2bgateway.tokens;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * A byte-pair vocabulary in two flat arrays: every token's bytes one after another in rank order,
 * and an open-addressing table from bytes to where the token's bytes are (start, length and a few
 * bits of the hash in one int). About 2.4 MB for {@code o200k_base} (a map of byte arrays to boxed integers takes about
 * 28 MB), and no object per token for the collector to trace.
 *
 * <p>The tokens lie in rank order, so where a token starts orders tokens as their ranks do: the
 * merges below compare starts, and no array holds ranks or a token's index.
 *
 * <p>Counting follows tiktoken's merge rule: a piece that is a token is one token; otherwise
 * start from single bytes and merge, again and again, the adjacent pair whose joined bytes have
 * the lowest rank (the leftmost of equals) until no adjacent pair is a token.
 */
final class Vocabulary {

    private static final int NONE = Integer.MAX_VALUE;
    /** Pieces up to this many bytes merge by scanning an array; longer ones through a heap. */
    private static final int SCAN_LIMIT = 96;

    /**
     * A table entry: the top bits of the token's hash ({@link #TAG_BITS}), its start in
     * {@link #bytes}, its length in the low {@link #LENGTH_BITS} (never 0: 0 is an empty slot). The
     * table is up to 80 % full (1 MB for o200k instead of 2); a probe compares bytes only when the
     * tag and the length both match, so the longer probe runs stay cheap.
     */
    private static final int LENGTH_BITS = 8;
    private static final int TAG_BITS = 3;
    private static final int LONGEST = (1 << LENGTH_BITS) - 1;
    private static final int MOST_BYTES = 1 << (32 - TAG_BITS - LENGTH_BITS);
    private static final int START_MASK = MOST_BYTES - 1;
    private static final int TAG_MASK = -1 << (32 - TAG_BITS);
    private static final int CHECK_MASK = TAG_MASK | LONGEST;

    private final byte[] bytes;
    private final int[] table;
    private final int mask;

    /** The second pass over a tiktoken file of {@code size} tokens, {@code decoded} bytes in all: decodes each token and enters it in the table. */
    private Vocabulary(Source file, int size, int decoded) {
        this.bytes = new byte[decoded];
        int capacity = Integer.highestOneBit(Math.max(16, size + size / 4)) * 2;
        this.table = new int[capacity];
        this.mask = capacity - 1;
        forEachToken(file, null, new TokenLine() {
            private int token;
            private int written;

            @Override
            public void accept(byte[] line, int from, int space, int to) {
                int rank = 0;
                for (int i = space + 1; i < to; i++) {
                    if (line[i] >= '0' && line[i] <= '9') rank = rank * 10 + (line[i] - '0');
                }
                if (rank != token) {
                    throw new IllegalStateException("tokenizer vocabulary: token " + token + " has rank " + rank
                            + "; the file must list tokens in rank order");
                }
                int start = written;
                written = decodeBase64(line, from, space, bytes, start);
                int hash = hash(bytes, start, written);
                int slot = hash & mask;
                while (table[slot] != 0) slot = (slot + 1) & mask;
                table[slot] = check(hash, written - start) | start << LENGTH_BITS;
                token++;
            }
        });
    }

    /**
     * Reads a tiktoken file, a resource beside this class: a line per token, its bytes in base64,
     * a space, its rank. The file must have the CRC-32 {@code crc32}.
     */
    static Vocabulary load(String resource, int crc32) {
        return parse(() -> {
            InputStream in = Vocabulary.class.getResourceAsStream(resource);
            if (in == null) throw new IllegalStateException("no tokenizer vocabulary " + resource + " on the class path");
            return in;
        }, crc32, resource);
    }

    /** A vocabulary from a tiktoken file's bytes (tests). */
    static Vocabulary parse(byte[] file) {
        CRC32 crc = new CRC32();
        crc.update(file);
        return parse(() -> new ByteArrayInputStream(file), (int) crc.getValue(), "given");
    }

    /** Opens the file anew for each pass. */
    private interface Source {
        InputStream open() throws IOException;
    }

    /**
     * Two passes over the file, each a stream read through a small buffer, so loading leaves no
     * copy of the 3.6 MB file behind for the collector: the first sizes the arrays exactly and
     * checks the CRC-32, the second decodes into the table. The tokens must be listed in rank
     * order, as tiktoken writes them: a token's rank is its line.
     */
    private static Vocabulary parse(Source file, int crc32, String name) {
        Sizes sizes = new Sizes();
        CRC32 crc = new CRC32();
        forEachToken(file, crc, sizes);
        if ((int) crc.getValue() != crc32) {
            throw new IllegalStateException("the tokenizer vocabulary " + name + " has CRC-32 " + hex(crc.getValue()) + ", not " + hex(crc32)
                    + ": the file was changed or damaged; the jar cannot count tokens with it");
        }
        if (sizes.firstEmpty >= 0) throw new IllegalStateException("tokenizer vocabulary: token " + sizes.firstEmpty + " has no bytes");
        if (sizes.longest > LONGEST) {
            throw new IllegalStateException("tokenizer vocabulary: a token has " + sizes.longest + " bytes; at most " + LONGEST + " fit");
        }
        if (sizes.bytes >= MOST_BYTES) {
            throw new IllegalStateException("tokenizer vocabulary: " + sizes.bytes + " bytes of tokens; at most " + MOST_BYTES + " fit");
        }
        return new Vocabulary(file, sizes.tokens, sizes.bytes);
    }

    /** The first pass: how many tokens, their bytes in all, the longest, and the first with no bytes (-1: none). */
    private static final class Sizes implements TokenLine {
        int tokens;
        int bytes;
        int longest;
        int firstEmpty = -1;

        @Override
        public void accept(byte[] line, int from, int space, int to) {
            int length = decodedLength(line, from, space);
            if (length == 0 && firstEmpty < 0) firstEmpty = tokens;
            longest = Math.max(longest, length);
            tokens++;
            bytes += length;
        }
    }

    private static String hex(long crc32) {
        return String.format("%08x", crc32 & 0xffffffffL);
    }

    /** One line of a tiktoken file: its base64 is {@code line[from, space)}, its rank {@code line(space, to)}. */
    private interface TokenLine {
        void accept(byte[] line, int from, int space, int to);
    }

    /** Calls {@code each} for every line with a space, in order; {@code crc}, if given, is updated with every byte read. */
    private static void forEachToken(Source file, CRC32 crc, TokenLine each) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = file.open()) {
            int filled = 0; // buffer[0, filled) holds what was read and not yet passed on
            boolean ended = false;
            while (!ended) {
                int read = in.read(buffer, filled, buffer.length - filled);
                if (read < 0) {
                    ended = true;
                } else {
                    if (crc != null) crc.update(buffer, filled, read);
                    filled += read;
                }
                int at = 0;
                while (at < filled) {
                    int newline = indexOf(buffer, at, filled, '\n');
                    if (newline == filled && !ended) break; // the line goes on past what was read
                    int space = indexOf(buffer, at, newline, ' ');
                    if (space < newline) each.accept(buffer, at, space, newline);
                    at = Math.min(newline + 1, filled);
                }
                if (at == 0 && filled == buffer.length) {
                    throw new IllegalStateException("tokenizer vocabulary: a line longer than " + buffer.length + " bytes");
                }
                System.arraycopy(buffer, at, buffer, 0, filled - at);
                filled -= at;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the tokenizer vocabulary", e);
        }
    }

    /** The first index of {@code b} in {@code bytes[from, to)}, or {@code to}. */
    private static int indexOf(byte[] bytes, int from, int to, char b) {
        int i = from;
        while (i < to && bytes[i] != b) i++;
        return i;
    }

    /** How many bytes the base64 in {@code in[from, to)} decodes to. */
    private static int decodedLength(byte[] in, int from, int to) {
        int digits = 0;
        for (int i = from; i < to; i++) if (base64(in[i]) >= 0) digits++;
        return digits * 6 / 8;
    }

    private static int decodeBase64(byte[] in, int from, int to, byte[] out, int at) {
        int buffer = 0;
        int bits = 0;
        for (int i = from; i < to; i++) {
            int v = base64(in[i]);
            if (v < 0) continue; // padding
            buffer = (buffer << 6) | v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out[at++] = (byte) (buffer >> bits);
            }
        }
        return at;
    }

    /** Each byte's value as a base64 digit, -1 for a byte that is none (padding). */
    private static final byte[] BASE64 = new byte[256];

    static {
        Arrays.fill(BASE64, (byte) -1);
        String digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < digits.length(); i++) BASE64[digits.charAt(i)] = (byte) i;
    }

    private static int base64(byte c) {
        return BASE64[c & 0xff];
    }

    private static int hash(byte[] b, int from, int to) {
        int h = 0x811c9dc5;
        for (int i = from; i < to; i++) h = (h ^ (b[i] & 0xff)) * 0x01000193;
        return h ^ (h >>> 15);
    }

    /**
     * Where the token made of {@code piece[from, to)} starts among the tokens' bytes, or {@link #NONE}:
     * a lower start is a lower rank.
     */
    int rank(byte[] piece, int from, int to) {
        int length = to - from;
        int hash = hash(piece, from, to);
        int check = check(hash, length);
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            int entry = table[slot];
            if (entry == 0) return NONE;
            if ((entry & CHECK_MASK) != check) continue;
            int start = entry >>> LENGTH_BITS & START_MASK;
            if (Arrays.equals(bytes, start, start + length, piece, from, to)) return start;
        }
    }

    /** The parts of an entry a probe compares before the bytes: the hash's tag and the length. */
    private static int check(int hash, int length) {
        return hash & TAG_MASK | length;
    }

    /** How many tokens {@code piece[0, length)} encodes to. */
    int count(byte[] piece, int length) {
        if (length <= 1) return length;
        if (rank(piece, 0, length) != NONE) return 1;
        return length <= SCAN_LIMIT ? mergeByScan(piece, length, new int[length + 1]) : mergeByHeap(piece, length, new int[length]);
    }

    /** Where each of the tokens of {@code piece[0, length)} ends, in bytes. */
    int[] tokenEnds(byte[] piece, int length) {
        if (length <= 1 || rank(piece, 0, length) != NONE) return new int[]{length};
        if (length <= SCAN_LIMIT) {
            int[] bounds = new int[length + 1];
            int parts = mergeByScan(piece, length, bounds);
            return Arrays.copyOfRange(bounds, 1, parts + 1);
        }
        int[] next = new int[length];
        int[] ends = new int[mergeByHeap(piece, length, next)];
        for (int part = 0, i = 0; part < length; part = next[part]) ends[i++] = next[part];
        return ends;
    }

    /** Parts kept in an array ({@code bounds}: part i is piece[bounds[i], bounds[i + 1])); each round finds the lowest-ranked pair by a scan. */
    private int mergeByScan(byte[] piece, int length, int[] bounds) {
        int[] pairs = new int[length];      // rank of part i joined with part i + 1
        for (int i = 0; i <= length; i++) bounds[i] = i;
        int parts = length;
        for (int i = 0; i < parts - 1; i++) pairs[i] = rank(piece, i, i + 2);
        while (parts > 1) {
            int best = 0;
            for (int i = 1; i < parts - 1; i++) if (pairs[i] < pairs[best]) best = i;
            if (pairs[best] == NONE) break;
            // Part best + 1 joins part best.
            System.arraycopy(bounds, best + 2, bounds, best + 1, parts - best - 1);
            System.arraycopy(pairs, best + 2, pairs, best + 1, Math.max(0, parts - best - 3));
            parts--;
            if (best + 1 < parts) pairs[best] = rank(piece, bounds[best], bounds[best + 2]);
            else pairs[best] = NONE;
            if (best > 0) pairs[best - 1] = rank(piece, bounds[best - 1], bounds[best + 1]);
        }
        return parts;
    }

    /**
     * The same merges for long pieces (a line of base64, a run of one letter): parts in a linked
     * list ({@code next}: where the part starting at a byte ends), pairs in a heap ordered by rank
     * then position, stale entries skipped when they surface.
     */
    private int mergeByHeap(byte[] piece, int length, int[] next) {
        int[] prev = new int[length];
        int[] current = new int[length]; // the rank of the pair starting at this part, NONE if none
        boolean[] gone = new boolean[length];
        LongHeap heap = new LongHeap(length);
        for (int i = 0; i < length; i++) {
            next[i] = i + 1;
            prev[i] = i - 1;
        }
        for (int i = 0; i < length - 1; i++) {
            current[i] = rank(piece, i, i + 2);
            if (current[i] != NONE) heap.push(((long) current[i] << 32) | i);
        }
        current[length - 1] = NONE;
        int parts = length;
        while (!heap.isEmpty()) {
            long top = heap.pop();
            int at = (int) top;
            int rank = (int) (top >>> 32);
            if (gone[at] || current[at] != rank) continue;
            int joined = next[at];
            gone[joined] = true;
            next[at] = next[joined];
            if (next[at] < length) prev[next[at]] = at;
            parts--;
            current[at] = pairRank(piece, length, next, at);
            if (current[at] != NONE) heap.push(((long) current[at] << 32) | at);
            int before = prev[at];
            if (before >= 0) {
                current[before] = pairRank(piece, length, next, before);
                if (current[before] != NONE) heap.push(((long) current[before] << 32) | before);
            }
        }
        return parts;
    }

    private int pairRank(byte[] piece, int length, int[] next, int part) {
        int second = next[part];
        if (second >= length) return NONE;
        return rank(piece, part, next[second] >= length ? length : next[second]);
    }

    /** A binary min-heap of longs. */
    private static final class LongHeap {
        private long[] items;
        private int size;

        LongHeap(int capacity) {
            items = new long[Math.max(16, capacity)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void push(long item) {
            if (size == items.length) items = Arrays.copyOf(items, size * 2);
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (items[parent] <= item) break;
                items[i] = items[parent];
                i = parent;
            }
            items[i] = item;
        }

        long pop() {
            long top = items[0];
            long last = items[--size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) break;
                if (child + 1 < size && items[child + 1] < items[child]) child++;
                if (items[child] >= last) break;
                items[i] = items[child];
                i = child;
            }
            items[i] = last;
            return top;
        }
    }
}
