package dev.e2bgateway.tokens;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The vocabularies the jar ships: jtokkit's files byte for byte, and checked by digest when loaded. */
class VocabularyTest {

    @Test
    void the_shipped_vocabularies_are_jtokkits_byte_for_byte() throws IOException {
        assertThat(shipped("o200k_base.tiktoken")).isEqualTo(jtokkit("o200k_base.tiktoken"));
        assertThat(shipped("cl100k_base.tiktoken")).isEqualTo(jtokkit("cl100k_base.tiktoken"));
    }

    @Test
    void every_token_of_the_shipped_vocabularies_loads_in_rank_order() throws IOException {
        for (String name : new String[]{"o200k_base.tiktoken", "cl100k_base.tiktoken"}) {
            Vocabulary loaded = Vocabulary.load(name, name.startsWith("o200k") ? Tokenizer.O200K_CRC32 : Tokenizer.CL100K_CRC32);
            String[] lines = new String(shipped(name), StandardCharsets.US_ASCII).split("\n");
            int previous = -1;
            for (String line : lines) {
                byte[] token = Base64.getDecoder().decode(line.substring(0, line.indexOf(' ')));
                int rank = loaded.rank(token, 0, token.length);
                assertThat(rank).as("%s: %s", name, line).isGreaterThan(previous).isNotEqualTo(Integer.MAX_VALUE);
                previous = rank;
            }
            assertThat(lines).as(name).hasSizeGreaterThan(100_000);
        }
    }

    @Test
    void the_last_line_needs_no_newline() {
        Vocabulary v = Vocabulary.parse("YQ== 0\nYg== 1\nYWI= 2".getBytes(StandardCharsets.US_ASCII));
        assertThat(v.count("ab".getBytes(StandardCharsets.US_ASCII), 2)).isEqualTo(1);
    }

    /** The digests VOCABULARIES.txt gives for the files (the jar checks the cheaper CRC-32 when it loads them). */
    @Test
    void the_shipped_vocabularies_have_the_documented_sha256() throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        String notes = new String(Vocabulary.class.getResourceAsStream("VOCABULARIES.txt").readAllBytes(), StandardCharsets.UTF_8);
        for (String name : new String[]{"o200k_base.tiktoken", "cl100k_base.tiktoken"}) {
            try (InputStream in = Vocabulary.class.getResourceAsStream(name)) {
                assertThat(notes).contains(name + " " + HexFormat.of().formatHex(sha256.digest(in.readAllBytes())));
            }
        }
    }

    @Test
    void a_vocabulary_with_another_digest_fails_loudly() {
        assertThatThrownBy(() -> Vocabulary.load("cl100k_base.tiktoken", Tokenizer.O200K_CRC32))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cl100k_base.tiktoken").hasMessageContaining("CRC-32 b99e2e8d, not 2b33bbc2").hasMessageContaining("changed or damaged");
    }

    @Test
    void a_missing_vocabulary_fails_loudly() {
        assertThatThrownBy(() -> Vocabulary.load("p50k_base.tiktoken", Tokenizer.O200K_CRC32))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no tokenizer vocabulary p50k_base.tiktoken");
    }

    @Test
    void a_token_s_rank_is_its_line() {
        Vocabulary v = Vocabulary.parse("YQ== 0\nYg== 1\nYWI= 2\nYWJi 3\n".getBytes(StandardCharsets.US_ASCII));
        byte[] abb = "abb".getBytes(StandardCharsets.US_ASCII);
        assertThat(v.rank(abb, 0, 1)).isLessThan(v.rank(abb, 1, 2)).isLessThan(v.rank(abb, 0, 2)).isLessThan(v.rank(abb, 0, 3));
        assertThat(v.rank(abb, 1, 3)).as("bb is no token").isEqualTo(Integer.MAX_VALUE);
        assertThat(v.count("abbab".getBytes(StandardCharsets.US_ASCII), 5)).isEqualTo(2); // abb + ab
    }

    @Test
    void the_merge_takes_the_lower_ranked_pair_first() {
        // "bc" (rank 3) outranks "ab" (rank 4): abc is a + bc, not ab + c; listed the other way round, ab + c.
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        assertThat(Vocabulary.parse("YQ== 0\nYg== 1\nYw== 2\nYmM= 3\nYWI= 4\n".getBytes(StandardCharsets.US_ASCII)).tokenEnds(abc, 3))
                .containsExactly(1, 3);
        assertThat(Vocabulary.parse("YQ== 0\nYg== 1\nYw== 2\nYWI= 3\nYmM= 4\n".getBytes(StandardCharsets.US_ASCII)).tokenEnds(abc, 3))
                .containsExactly(2, 3);
    }

    @Test
    void a_token_longer_than_the_table_holds_fails_loudly() {
        String tooLong = java.util.Base64.getEncoder().encodeToString(new byte[256]);
        assertThatThrownBy(() -> Vocabulary.parse(("YQ== 0\n" + tooLong + " 1\n").getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("a token has 256 bytes");
    }

    @Test
    void a_vocabulary_out_of_rank_order_fails_loudly() {
        assertThatThrownBy(() -> Vocabulary.parse("YQ== 0\nYWI= 2\nYg== 1\n".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("token 1 has rank 2").hasMessageContaining("rank order");
    }

    private static byte[] shipped(String name) throws IOException {
        try (InputStream in = Vocabulary.class.getResourceAsStream(name)) {
            assertThat(in).as("the jar's %s", name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static byte[] jtokkit(String name) throws IOException {
        try (InputStream in = com.knuddels.jtokkit.Encodings.class.getResourceAsStream("/com/knuddels/jtokkit/" + name)) {
            assertThat(in).as("jtokkit's %s", name).isNotNull();
            return in.readAllBytes();
        }
    }
}
