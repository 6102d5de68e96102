package dev.e2bgateway.fuzz;

import dev.e2bgateway.error.ApiError;

import java.time.Duration;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request parsers' contract under fuzzing (dialect.Dialect#parse): return, or refuse with an
 * {@link ApiError} the client is meant to get (400, 404 for an unknown model, 413), in bounded
 * time. Any other exception would reach the client as a 500.
 */
final class ParserVerdict {

    /** Far above any real parse (well under a millisecond); only a hang or a blow-up reaches it. */
    static final Duration LIMIT = Duration.ofSeconds(10);
    private static final Set<Integer> CLIENT_ERRORS = Set.of(400, 404, 413);

    private ParserVerdict() {
    }

    /** Parses {@code input}; returns what the parse returned, or null when it was refused properly. */
    static <T> T parsedOrRefused(Input input, Callable<T> parse) {
        Bounded.Outcome<T> outcome = Bounded.run(parse, LIMIT);
        if (outcome.timedOut()) {
            throw new AssertionError("no answer within " + LIMIT.toSeconds() + " s (a hang) for " + input);
        }
        Throwable thrown = outcome.thrown();
        if (thrown == null) {
            if (outcome.value() == null) throw new AssertionError("the parse returned nothing for " + input);
            return outcome.value();
        }
        if (thrown instanceof ApiError e && CLIENT_ERRORS.contains(e.status())) {
            return null;
        }
        throw new AssertionError("threw " + thrown.getClass().getName() + " (" + Input.of(String.valueOf(thrown.getMessage()))
                + ") instead of parsing or refusing with 400/404/413 (the client would get a 500) for " + input, thrown);
    }

    /** Parses {@code input}, which is valid: it must parse. Returns what the parse returned. */
    static <T> T parsed(Input input, Callable<T> parse) {
        Bounded.Outcome<T> outcome = Bounded.run(parse, LIMIT);
        if (outcome.timedOut()) throw new AssertionError("no answer within " + LIMIT.toSeconds() + " s (a hang) for " + input);
        if (outcome.thrown() != null) {
            throw new AssertionError("a valid request was refused: " + outcome.thrown() + " for " + input, outcome.thrown());
        }
        return outcome.value();
    }

    /**
     * How many of a batch parsed: a mix of both is what the generator is for. A parser that
     * refused everything, or one that accepted everything, would fail here.
     */
    static void assertMixed(String what, int parsed, int total, double minParsed, double minRefused) {
        assertThat(parsed).as("%s: %d of %d parsed", what, parsed, total).isGreaterThanOrEqualTo((int) (total * minParsed));
        assertThat(total - parsed).as("%s: %d of %d refused", what, total - parsed, total).isGreaterThanOrEqualTo((int) (total * minRefused));
    }

    /**
     * Draws {@code count} inputs from {@code inputs} with a fixed {@code seed} and hands each to
     * {@code parse} (which fails the test on anything but a parse or a proper refusal, and
     * returns null for a refusal); returns how many parsed.
     */
    static int parsedOf(long seed, int count, Gen<Input> inputs, Function<Input, ?> parse) {
        Random random = new Random(seed);
        int parsed = 0;
        for (int i = 0; i < count; i++) if (parse.apply(inputs.next(random)) != null) parsed++;
        return parsed;
    }

    /**
     * Draws {@code count} inputs from {@code inputs} with a fixed {@code seed}; {@code parse} must
     * refuse every one properly (return null).
     */
    static void refusedAll(long seed, int count, Gen<Input> inputs, Function<Input, ?> parse) {
        Random random = new Random(seed);
        for (int i = 0; i < count; i++) {
            Input input = inputs.next(random);
            assertThat(parse.apply(input)).as("%s", input).isNull();
        }
    }
}
