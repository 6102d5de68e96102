package dev.e2bgateway.tokens;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A byte-pair vocabulary in flat arrays: every token's bytes one after another in rank order,
 * where each starts, and an open-addressing table from bytes to token. About 4.3 MB for
 * {@code o200k_base} (a map of byte arrays to boxed integers takes about 28 MB), and no object
 * per token for the collector to trace.
 *
 * <p>Counting follows tiktoken's merge rule: a piece that is a token is one token; otherwise
 * start from single bytes and merge, again and again, the adjacent pair whose joined bytes have
 * the lowest rank (the leftmost of equals) until no adjacent pair is a token.
 */
final class Vocabulary {

    private static final int NONE = Integer.MAX_VALUE;
    /** Pieces up to this many bytes merge by scanning an array; longer ones through a heap. */
    private static final int SCAN_LIMIT = 96;

    private final byte[] bytes;
    private final int[] starts; // token i's bytes are bytes[starts[i] .. starts[i + 1]); its rank is i
    private final int[] table;  // token index + 1, or 0 for an empty slot
    private final int mask;

    private Vocabulary(byte[] bytes, int[] starts, int size) {
        this.bytes = bytes;
        this.starts = starts;
        int capacity = Integer.highestOneBit(Math.max(16, size) * 2) * 2;
        this.table = new int[capacity];
        this.mask = capacity - 1;
        for (int i = 0; i < size; i++) {
            int slot = hash(bytes, starts[i], starts[i + 1]) & mask;
            while (table[slot] != 0) slot = (slot + 1) & mask;
            table[slot] = i + 1;
        }
    }

    /**
     * Reads a tiktoken file, a resource beside this class: a line per token, its bytes in base64,
     * a space, its rank. The file must have the SHA-256 digest {@code sha256} (hex).
     */
    static Vocabulary load(String resource, String sha256) {
        return parse(read(resource, sha256));
    }

    static byte[] read(String resource, String sha256) {
        byte[] file;
        try (InputStream in = Vocabulary.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("no tokenizer vocabulary " + resource + " on the class path");
            file = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
        String actual;
        try {
            actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
        if (!actual.equals(sha256)) {
            throw new IllegalStateException("the tokenizer vocabulary " + resource + " has SHA-256 " + actual + ", not " + sha256
                    + ": the file was changed or damaged; the jar cannot count tokens with it");
        }
        return file;
    }

    /**
     * Two passes over the file: the first sizes the arrays exactly (no buffer to trim, so loading
     * leaves only the file itself behind as garbage), the second decodes. The tokens must be listed
     * in rank order, as tiktoken writes them: a token's rank is its index, so no array holds ranks.
     */
    static Vocabulary parse(byte[] file) {
        int size = 0;
        int decoded = 0;
        for (int at = 0; at < file.length; ) {
            int space = indexOf(file, at, ' ');
            int end = indexOf(file, space, '\n');
            if (space < end) {
                size++;
                decoded += decodedLength(file, at, space);
            }
            at = end + 1;
        }
        byte[] bytes = new byte[decoded];
        int[] starts = new int[size + 1];
        int token = 0;
        int written = 0;
        for (int at = 0; at < file.length; ) {
            int space = indexOf(file, at, ' ');
            int end = indexOf(file, space, '\n');
            if (space < end) {
                int rank = 0;
                for (int i = space + 1; i < end; i++) {
                    if (file[i] >= '0' && file[i] <= '9') rank = rank * 10 + (file[i] - '0');
                }
                if (rank != token) {
                    throw new IllegalStateException("tokenizer vocabulary: token " + token + " has rank " + rank
                            + "; the file must list tokens in rank order");
                }
                starts[token++] = written;
                written = decodeBase64(file, at, space, bytes, written);
            }
            at = end + 1;
        }
        starts[size] = written;
        return new Vocabulary(bytes, starts, size);
    }

    /** The first index of {@code b} in {@code file} from {@code from}, or {@code file.length}. */
    private static int indexOf(byte[] file, int from, char b) {
        int i = from;
        while (i < file.length && file[i] != b) i++;
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

    private static int base64(byte c) {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    }

    private static int hash(byte[] b, int from, int to) {
        int h = 0x811c9dc5;
        for (int i = from; i < to; i++) h = (h ^ (b[i] & 0xff)) * 0x01000193;
        return h ^ (h >>> 15);
    }

    /** The rank of the token made of {@code piece[from, to)}, or {@link #NONE}. */
    int rank(byte[] piece, int from, int to) {
        int length = to - from;
        for (int slot = hash(piece, from, to) & mask; ; slot = (slot + 1) & mask) {
            int entry = table[slot];
            if (entry == 0) return NONE;
            int token = entry - 1;
            int start = starts[token];
            if (starts[token + 1] - start == length && Arrays.equals(bytes, start, start + length, piece, from, to)) return token;
        }
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
