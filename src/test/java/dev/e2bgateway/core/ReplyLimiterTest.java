package dev.e2bgateway.core;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.e2bgateway.tokens.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReplyLimiterTest {

    private static final Encoding O200K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    private static final Encoding CL100K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    /** The limiter counts with the gateway's tokenizer; the expectations come from jtokkit. */
    private static final Tokenizer TOKENIZER_O200K = Tokenizer.o200k();
    private static final Tokenizer TOKENIZER_CL100K = Tokenizer.cl100k();
    private static final String TEXT = "The quick brown fox jumps over the lazy dog. 你好，世界！😀 Then it STOPs here and goes on.";

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 8, 13})
    void a_stop_sequence_split_across_chunks_ends_the_reply_before_it(int chunk) {
        ReplyLimiter limiter = new ReplyLimiter(List.of("never", "STOP"), null, TOKENIZER_O200K);
        String out = feed(limiter, TEXT, chunk);
        assertThat(out).isEqualTo(TEXT.substring(0, TEXT.indexOf("STOP")));
        assertThat(limiter.finished()).isEqualTo(Finish.Reason.STOP_SEQUENCE);
        assertThat(limiter.matchedStop()).isEqualTo("STOP");
    }

    @Test
    void only_the_longest_stop_sequence_minus_one_is_held_back() {
        ReplyLimiter limiter = new ReplyLimiter(List.of("XYZ"), null, TOKENIZER_O200K);
        assertThat(limiter.accept("abcdef")).isEqualTo("abcd");
        assertThat(limiter.accept("XY")).isEqualTo("ef");
        assertThat(limiter.accept("Q")).isEqualTo("X");
        assertThat(limiter.flush()).isEqualTo("YQ");
        assertThat(limiter.finished()).isNull();
    }

    @Test
    void without_stops_or_limit_everything_passes_at_once() {
        ReplyLimiter limiter = new ReplyLimiter(List.of(), null, TOKENIZER_O200K);
        assertThat(limiter.accept("a")).isEqualTo("a");
        assertThat(limiter.accept("😀")).isEqualTo("😀");
        assertThat(limiter.flush()).isEmpty();
        assertThat(limiter.emittedTokens()).isEqualTo(O200K.countTokensOrdinary("a😀"));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 7, 10, 20})
    void the_token_limit_cuts_the_reply_at_exactly_that_many_tokens(int max) {
        assertThat(O200K.countTokensOrdinary(TEXT)).as("the reply is longer than every limit tried").isGreaterThan(max);
        ReplyLimiter limiter = new ReplyLimiter(List.of(), max, TOKENIZER_O200K);
        String out = feed(limiter, TEXT, 3);
        assertThat(limiter.finished()).isEqualTo(Finish.Reason.LENGTH);
        assertThat(TEXT).startsWith(out);
        assertThat(O200K.countTokensOrdinary(out)).isEqualTo(max);
        assertThat(limiter.emittedTokens()).isEqualTo(max);
    }

    @Test
    void a_limit_that_ends_inside_a_character_stops_before_that_character() {
        // cl100k_base spells 世 as two byte-level tokens; with the limit between them, sending
        // the first would send half a UTF-8 character, so the reply ends one token short.
        // This is the one case where the limit cannot be met exactly.
        String text = "你好，世界";
        int before = CL100K.countTokensOrdinary("你好，");
        assertThat(CL100K.countTokensOrdinary("你好，世")).as("世 takes two tokens").isEqualTo(before + 2);
        ReplyLimiter limiter = new ReplyLimiter(List.of(), before + 1, TOKENIZER_CL100K);
        String out = feed(limiter, text, 1);
        assertThat(limiter.finished()).isEqualTo(Finish.Reason.LENGTH);
        assertThat(out).isEqualTo("你好，");
        assertThat(limiter.emittedTokens()).isEqualTo(before);
    }

    @Test
    void a_reply_under_the_limit_is_untouched() {
        ReplyLimiter limiter = new ReplyLimiter(List.of(), 1000, TOKENIZER_O200K);
        assertThat(feed(limiter, TEXT, 4) + limiter.flush()).isEqualTo(TEXT);
        assertThat(limiter.finished()).isNull();
    }

    @Test
    void long_replies_are_counted_in_settled_pieces_with_the_same_total() {
        String longText = "word ".repeat(3000) + "end";
        ReplyLimiter limiter = new ReplyLimiter(List.of(), 100_000, TOKENIZER_O200K);
        String out = feed(limiter, longText, 7) + limiter.flush();
        assertThat(out).isEqualTo(longText);
        assertThat(limiter.emittedTokens()).isEqualTo(O200K.countTokensOrdinary(longText));
    }

    private static String feed(ReplyLimiter limiter, String text, int chunk) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length() && limiter.finished() == null) {
            int end = Math.min(text.length(), i + chunk);
            if (Character.isHighSurrogate(text.charAt(end - 1)) && end < text.length()) end++;
            out.append(limiter.accept(text.substring(i, end)));
            i = end;
        }
        out.append(limiter.flush());
        return out.toString();
    }
}
