package dev.e2bgateway.core;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.e2bgateway.App;
import dev.e2bgateway.tokens.Tokenizer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenCounterTest {

    private static final Encoding CL100K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    private static final Tokenizer OURS = Tokenizer.cl100k();

    @Test
    void text_up_to_the_limit_is_counted_exactly() {
        String text = "The quick brown fox jumps over the lazy dog. ".repeat(1000);
        assertThat(text.length()).isLessThan(TokenCounter.EXACT_CHARS);
        assertThat(TokenCounter.count(OURS, text)).isEqualTo(CL100K.countTokensOrdinary(text));
    }

    @Test
    void text_beyond_the_limit_is_counted_exactly_up_to_it_then_estimated() {
        String text = "x".repeat(TokenCounter.EXACT_CHARS) + "y".repeat(400_001);
        int head = CL100K.countTokensOrdinary("x".repeat(TokenCounter.EXACT_CHARS));
        assertThat(TokenCounter.count(OURS, text)).isEqualTo(head + 100_001);
    }

    @Test
    void half_a_surrogate_pair_is_counted_as_a_replacement_character() {
        assertThat(TokenCounter.count(OURS, "a\ud83db")).isEqualTo(CL100K.countTokensOrdinary("a\uFFFDb"));
    }

    @Test
    void long_texts_counted_again_get_their_own_count_each_time() {
        TokenCounter counter = new TokenCounter(new UpstreamRequests(App.objectMapper()));
        Tokenizer o200k = Tokenizer.o200k();
        String words = "the same length, other tokens ".repeat(200);
        String letters = "x".repeat(words.length()); // as long, far fewer tokens
        for (int round = 0; round < 2; round++) { // the second round is answered from what the first remembered
            assertThat(counter.remembered(o200k, words)).isEqualTo(o200k.count(words));
            assertThat(counter.remembered(o200k, letters)).isEqualTo(o200k.count(letters));
        }
        assertThat(o200k.count(words)).isNotEqualTo(o200k.count(letters));
    }
}
