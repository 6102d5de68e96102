package dev.e2bgateway.tokens;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import static dev.e2bgateway.tokens.TokenizerParityTest.CL100K_PATTERN;
import static dev.e2bgateway.tokens.TokenizerParityTest.O200K_PATTERN;
import static dev.e2bgateway.tokens.TokenizerParityTest.escaped;
import static dev.e2bgateway.tokens.TokenizerParityTest.matches;
import static dev.e2bgateway.tokens.TokenizerParityTest.pieces;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-written splitters against the encodings' own patterns on any text: piece for piece
 * the same. TokenizerParityTest draws text from the characters the rules tell apart; this target
 * lets coverage find the rest. It runs its committed corpus on every build (docs/testing.md, Fuzzing).
 */
class SplitterFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void any_text_is_split_where_the_reference_patterns_split_it(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        assertThat(pieces(Splitter.O200K, text)).as("o200k pieces of %s", escaped(text)).isEqualTo(matches(O200K_PATTERN, text));
        assertThat(pieces(Splitter.CL100K, text)).as("cl100k pieces of %s", escaped(text)).isEqualTo(matches(CL100K_PATTERN, text));
    }
}
