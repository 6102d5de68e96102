package dev.e2bgateway.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.e2bgateway.upstream.FragmentException;
import dev.e2bgateway.upstream.FragmentReader;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reader of the upstream's reply (upstream.FragmentReader): every valid fragment body,
 * however it is split into reads, gives exactly the reply a full JSON parse gives, in deltas
 * that never split a character; any bytes at all give text or a FragmentException, nothing
 * else, in bounded time. The fuzz target checks both on whatever bytes it gets: a body Jackson
 * reads as an object with a string {@code code} must give Jackson's reply.
 */
class FragmentReaderFuzzTest {

    /** Duplicate keys refused: a streaming reader sends a second "code" on, where a tree keeps only the last. */
    private static final ObjectMapper REFERENCE = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    @FuzzTest(maxDuration = "60s")
    void any_bytes_in_any_reads_give_the_reference_reply_or_a_fragment_exception(FuzzedDataProvider data) {
        List<Integer> sizes = new ArrayList<>();
        for (int i = data.consumeInt(1, 8); i > 0; i--) sizes.add(data.consumeInt(0, 64));
        byte[] bytes = data.consumeRemainingAsBytes();
        String reference = reference(bytes);
        Bounded.Outcome<String> outcome = Bounded.run(() -> read(bytes, sizes), ParserVerdict.LIMIT);
        if (outcome.timedOut()) throw new AssertionError("no answer within " + ParserVerdict.LIMIT.toSeconds() + " s (a hang) for " + new Input(bytes));
        if (reference != null) {
            if (outcome.thrown() != null) throw new AssertionError("a valid body " + new Input(bytes) + " in reads of " + sizes + " threw", outcome.thrown());
            if (!reference.equals(outcome.value())) {
                throw new AssertionError("read in pieces of " + sizes + " gave '" + Input.of(outcome.value()) + "', not '" + Input.of(reference) + "' for " + new Input(bytes));
            }
        } else if (outcome.thrown() != null && !(outcome.thrown() instanceof FragmentException)) {
            throw new AssertionError("threw " + outcome.thrown() + ", not a FragmentException, reading " + new Input(bytes) + " in reads of " + sizes, outcome.thrown());
        }
    }

    /**
     * The reply by a full parse, for the bodies whose reply the contract fixes: one UTF-8 JSON
     * object and nothing after it, no key twice, {@code code} and {@code commentary} strings or absent. Null
     * for any other bytes, where only the exception type is checked.
     */
    private static String reference(byte[] bytes) {
        if (!StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes), java.nio.CharBuffer.allocate(bytes.length), true).isUnderflow()) {
            return null;
        }
        JsonNode node;
        try (var parser = REFERENCE.createParser(bytes)) {
            node = REFERENCE.readTree(parser);
            if (node == null || !node.isObject() || parser.nextToken() != null) return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
        for (String field : new String[]{"code", "commentary"}) {
            if (node.has(field) && !node.get(field).isTextual()) return null;
        }
        try {
            return FragmentBodies.reference(bytes);
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Test
    void a_valid_body_gives_the_reference_reply_at_every_split_point() throws Exception {
        Random random = new Random(1);
        for (int i = 0; i < 400; i++) {
            FragmentBodies.Body body = FragmentBodies.valid().next(random);
            byte[] bytes = body.bytes();
            for (int split = 0; split <= bytes.length; split++) assertReads(body, List.of(split, bytes.length - split));
        }
    }

    @Test
    void a_valid_body_gives_the_reference_reply_in_reads_of_any_sizes() throws Exception {
        Random random = new Random(2);
        for (int i = 0; i < 1000; i++) {
            FragmentBodies.Body body = FragmentBodies.valid().next(random);
            assertReads(body, Gen.ints(0, 40).list(1, 12).next(random));
            assertReads(body, List.of(1 + random.nextInt(7))); // byte by byte, and every small size
        }
    }

    @Test
    void a_valid_body_cut_before_its_closing_brace_is_reported_as_cut() {
        Random random = new Random(3);
        for (int i = 0; i < 700; i++) {
            FragmentBodies.Body body = FragmentBodies.valid().next(random);
            byte[] bytes = body.bytes();
            String text = new String(bytes, StandardCharsets.UTF_8);
            int openAt = text.substring(0, text.indexOf('{')).getBytes(StandardCharsets.UTF_8).length;
            int close = lastIndexOf(bytes, (byte) '}');
            int cut = openAt + 1 + random.nextInt(close - openAt); // after the '{', before the last '}'
            FragmentReader reader = new FragmentReader();
            StringBuilder sent = new StringBuilder();
            try {
                sent.append(reader.feed(bytes, 0, cut));
                reader.finish();
                throw new AssertionError("a body cut at byte " + cut + " finished cleanly: " + body);
            } catch (FragmentException e) {
                if (e.kind() != FragmentException.Kind.CUT) throw new AssertionError("cut at byte " + cut + " reported as " + e.kind() + ": " + body);
            }
            // What went out before the cut is the start of the reply (commentary is only ever sent at the end).
            if (!sent.isEmpty() && !body.expected().startsWith(sent.toString())) {
                throw new AssertionError("sent '" + Input.of(sent.toString()) + "' before a cut at byte " + cut + ", not a prefix of the reply: " + body);
            }
        }
    }

    @Test
    void any_bytes_give_text_or_a_fragment_exception_and_valid_ones_text() {
        Random random = new Random(4);
        Gen<Input> edited = r -> {
            byte[] bytes = FragmentBodies.valid().next(r).bytes();
            for (Mutation.ByteEdit edit : Mutation.ByteEdit.edits().list(1, 3).next(r)) bytes = edit.applyTo(bytes);
            return new Input(bytes);
        };
        Gen<Input> any = Gen.oneOf(Gen.bytes(300).map(Input::new), JsonValues.jsonishText().map(Input::of), edited);
        int read = 0;
        int failed = 0;
        for (int i = 0; i < 2500; i++) {
            Input body = any.next(random);
            List<Integer> sizes = Gen.ints(0, 64).list(1, 8).next(random);
            Bounded.Outcome<String> outcome = Bounded.run(() -> read(body.bytes(), sizes), ParserVerdict.LIMIT);
            if (outcome.timedOut()) throw new AssertionError("no answer within " + ParserVerdict.LIMIT.toSeconds() + " s (a hang) for " + body);
            Throwable thrown = outcome.thrown();
            if (thrown == null) read++;
            else if (thrown instanceof FragmentException) failed++;
            else throw new AssertionError("threw " + thrown + ", not a FragmentException, reading " + body + " in reads of " + sizes, thrown);
            String reference = reference(body.bytes());
            if (reference != null) assertThat(outcome.value()).as("%s in reads of %s", body, sizes).isEqualTo(reference);
        }
        // Edited bodies are often still valid, random bytes almost never: both outcomes must be common.
        assertThat(read).as("bodies read").isGreaterThan(250);
        assertThat(failed).as("bodies refused").isGreaterThan(250);
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
