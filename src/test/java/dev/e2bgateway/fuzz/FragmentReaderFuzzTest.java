package dev.e2bgateway.fuzz;

import dev.e2bgateway.upstream.FragmentException;
import dev.e2bgateway.upstream.FragmentReader;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;

import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes the reader of the upstream's reply (upstream.FragmentReader): every valid fragment
 * body, however it is split into reads, gives exactly the reply a full JSON parse gives, in
 * deltas that never split a character; any bytes at all give text or a FragmentException,
 * nothing else, in bounded time. Tries per property are the CI budget; -Dfuzz.tries=N for more.
 */
@AddLifecycleHook(FuzzTries.class)
class FragmentReaderFuzzTest {

    @Property(tries = 400, edgeCases = EdgeCasesMode.NONE)
    void a_valid_body_gives_the_reference_reply_at_every_split_point(@ForAll("valid") FragmentBodies.Body body) throws Exception {
        byte[] bytes = body.bytes();
        for (int split = 0; split <= bytes.length; split++) {
            List<Integer> sizes = List.of(split, bytes.length - split);
            assertReads(body, sizes);
        }
    }

    @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
    void a_valid_body_gives_the_reference_reply_in_reads_of_any_sizes(@ForAll("valid") FragmentBodies.Body body,
                                                                    @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 0, max = 40) Integer> sizes,
                                                                    @ForAll @IntRange(min = 1, max = 7) int fixedSize) throws Exception {
        assertReads(body, sizes);
        assertReads(body, List.of(fixedSize)); // byte by byte, and every small size
    }

    @Property(tries = 700, edgeCases = EdgeCasesMode.NONE)
    void a_valid_body_cut_before_its_closing_brace_is_reported_as_cut(@ForAll("valid") FragmentBodies.Body body,
                                                                      @ForAll @IntRange(min = 0, max = 100_000) int where) {
        byte[] bytes = body.bytes();
        int open = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).indexOf('{');
        int openAt = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).substring(0, open).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        int close = lastIndexOf(bytes, (byte) '}');
        int cut = openAt + 1 + where % (close - openAt); // after the '{', before the last '}'
        FragmentReader reader = new FragmentReader();
        StringBuilder sent = new StringBuilder();
        try {
            sent.append(reader.feed(bytes, 0, cut));
            reader.finish();
            throw new AssertionError("a body cut at byte " + cut + " finished cleanly: " + body);
        } catch (FragmentException e) {
            if (e.kind() != FragmentException.Kind.CUT) throw new AssertionError("cut at byte " + cut + " reported as " + e.kind() + ": " + body);
        }
        String expected = body.expected();
        // What went out before the cut is the start of the reply (commentary is only ever sent at the end).
        if (!expected.startsWith(sent.toString()) && !sent.isEmpty()) {
            throw new AssertionError("sent '" + Input.of(sent.toString()) + "' before a cut at byte " + cut + ", not a prefix of the reply: " + body);
        }
    }

    @Property(tries = 2500, edgeCases = EdgeCasesMode.NONE)
    void any_bytes_give_text_or_a_fragment_exception(@ForAll("anyBytes") Input body,
                                                     @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 64) Integer> sizes) {
        Bounded.Outcome<String> outcome = Bounded.run(() -> read(body.bytes(), sizes), ParserVerdict.LIMIT);
        if (outcome.timedOut()) throw new AssertionError("no answer within " + ParserVerdict.LIMIT.toSeconds() + " s (a hang) for " + body);
        Throwable thrown = outcome.thrown();
        if (thrown == null) {
            Statistics.label("outcome").collect("read");
        } else if (thrown instanceof FragmentException e) {
            Statistics.label("outcome").collect(e.kind());
        } else {
            throw new AssertionError("threw " + thrown + ", not a FragmentException, reading " + body + " in reads of " + sizes, thrown);
        }
    }

    @Provide
    Arbitrary<FragmentBodies.Body> valid() {
        return FragmentBodies.valid();
    }

    /** Random bytes, JSON-ish text, and valid bodies with a few bytes changed or cut. */
    @Provide
    Arbitrary<Input> anyBytes() {
        Arbitrary<Input> edited = Combinators.combine(FragmentBodies.valid(), Mutation.ByteEdit.edits().list().ofMinSize(1).ofMaxSize(3))
                .as((body, edits) -> {
                    byte[] bytes = body.bytes();
                    for (Mutation.ByteEdit edit : edits) bytes = edit.applyTo(bytes);
                    return new Input(bytes);
                });
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300).map(Input::new),
                JsonValues.jsonishText().map(Input::of),
                edited);
    }

    /** Reads {@code body} in reads of these sizes, cycled, checking every delta; returns the joined reply. */
    private static void assertReads(FragmentBodies.Body body, List<Integer> sizes) throws FragmentException {
        List<String> deltas = new ArrayList<>();
        String joined = read(body.bytes(), sizes, deltas);
        if (!joined.equals(body.expected())) {
            throw new AssertionError("read in pieces of " + sizes + " gave '" + Input.of(joined) + "': " + body);
        }
    }

    private static String read(byte[] bytes, List<Integer> sizes) throws FragmentException {
        return read(bytes, sizes, new ArrayList<>());
    }

    private static String read(byte[] bytes, List<Integer> sizes, List<String> deltas) throws FragmentException {
        FragmentReader reader = new FragmentReader();
        int at = 0;
        for (int i = 0; at < bytes.length; i++) {
            int n = Math.min(sizes.get(i % sizes.size()), bytes.length - at);
            if (n == 0 && sizes.stream().allMatch(s -> s == 0)) n = bytes.length - at; // all empty reads: then the rest
            deltas.add(reader.feed(bytes, at, n));
            at += n;
        }
        deltas.add(reader.finish());
        for (String d : deltas) {
            if (!d.equals(FragmentBodies.wellFormed(d))) {
                throw new AssertionError("a delta holds half a surrogate pair: '" + Input.of(d) + "' in " + new Input(bytes));
            }
        }
        return String.join("", deltas);
    }

    private static int lastIndexOf(byte[] bytes, byte b) {
        for (int i = bytes.length - 1; i >= 0; i--) if (bytes[i] == b) return i;
        return -1;
    }
}
