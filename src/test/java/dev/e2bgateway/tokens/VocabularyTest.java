package dev.e2bgateway.tokens;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The vocabularies the jar ships: jtokkit's files byte for byte, and checked by digest when loaded. */
class VocabularyTest {

    @Test
    void the_shipped_vocabularies_are_jtokkits_byte_for_byte() throws IOException {
        assertThat(Vocabulary.read("o200k_base.tiktoken", Tokenizer.O200K_SHA256)).isEqualTo(jtokkit("o200k_base.tiktoken"));
        assertThat(Vocabulary.read("cl100k_base.tiktoken", Tokenizer.CL100K_SHA256)).isEqualTo(jtokkit("cl100k_base.tiktoken"));
    }

    @Test
    void a_vocabulary_with_another_digest_fails_loudly() {
        assertThatThrownBy(() -> Vocabulary.load("cl100k_base.tiktoken", Tokenizer.O200K_SHA256))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cl100k_base.tiktoken").hasMessageContaining(Tokenizer.CL100K_SHA256).hasMessageContaining("changed or damaged");
    }

    @Test
    void a_missing_vocabulary_fails_loudly() {
        assertThatThrownBy(() -> Vocabulary.load("p50k_base.tiktoken", Tokenizer.O200K_SHA256))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no tokenizer vocabulary p50k_base.tiktoken");
    }

    @Test
    void a_token_s_rank_is_its_line() {
        Vocabulary v = Vocabulary.parse("YQ== 0\nYg== 1\nYWI= 2\nYWJi 3\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(v.rank("ab".getBytes(StandardCharsets.US_ASCII), 0, 2)).isEqualTo(2);
        assertThat(v.count("abbab".getBytes(StandardCharsets.US_ASCII), 5)).isEqualTo(2); // abb + ab
    }

    @Test
    void a_vocabulary_out_of_rank_order_fails_loudly() {
        assertThatThrownBy(() -> Vocabulary.parse("YQ== 0\nYWI= 2\nYg== 1\n".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("token 1 has rank 2").hasMessageContaining("rank order");
    }

    private static byte[] jtokkit(String name) throws IOException {
        try (InputStream in = com.knuddels.jtokkit.Encodings.class.getResourceAsStream("/com/knuddels/jtokkit/" + name)) {
            assertThat(in).as("jtokkit's %s", name).isNotNull();
            return in.readAllBytes();
        }
    }
}
