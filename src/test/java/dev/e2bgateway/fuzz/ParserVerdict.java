package dev.e2bgateway.fuzz;

import dev.e2bgateway.error.ApiError;
import net.jqwik.api.statistics.Statistics;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * The request parsers' contract under fuzzing (dialect.Dialect#parse): return, or refuse with an
 * {@link ApiError} the client is meant to get (400, 404 for an unknown model, 413), in bounded
 * time. Any other exception would reach the client as a 500.
 */
final class ParserVerdict {

    /** Far above any real parse (well under a millisecond); only a hang or a blow-up reaches it. */
    static final Duration LIMIT = Duration.ofSeconds(10);
    private static final Set<Integer> CLIENT_ERRORS = Set.of(400, 404, 413);

    /**
     * Failures these properties found that main code has not fixed yet. Each has a disabled
     * regression test in {@link FoundByFuzzingTest}; while it stands, the properties count its
     * samples (in the "outcome" statistics) instead of failing, so they keep looking for new
     * failures. When the fix lands: enable the test, delete the entry.
     */
    enum KnownBug {
        /** FoundByFuzzingTest#an_anthropic_tool_choice_of_type_tool_without_a_name_is_a_400. */
        ANTHROPIC_NAMED_TOOL_CHOICE_WITHOUT_NAME(t -> t instanceof IllegalArgumentException
                && "a named tool choice needs a tool name".equals(t.getMessage())),
        /**
         * FoundByFuzzingTest#text_with_half_a_surrogate_pair_is_counted: jtokkit asserts its
         * input is well-formed UTF-16; with assertions on (the test JVM, or -ea) that is an Error.
         */
        TOKEN_COUNT_OF_HALF_A_SURROGATE_PAIR(t -> t instanceof AssertionError && t.getMessage() != null
                && t.getMessage().startsWith("Input is not UTF-8")),
        /**
         * FoundByFuzzingTest#a_response_schema_whose_reference_cannot_be_resolved_is_a_400_before_the_upstream_is_called
         * and #a_response_schema_that_refers_to_itself_is_not_a_500: the schema compiles at parse time, but its
         * references are resolved only when the reply is checked, after the upstream call, and fail there.
         */
        RESPONSE_SCHEMA_FAILS_WHEN_THE_REPLY_IS_CHECKED(t -> t instanceof com.networknt.schema.SchemaException
                || t instanceof StackOverflowError);

        private final Predicate<Throwable> matches;

        KnownBug(Predicate<Throwable> matches) {
            this.matches = matches;
        }

        static KnownBug of(Throwable thrown) {
            for (KnownBug bug : values()) if (bug.matches.test(thrown)) return bug;
            return null;
        }
    }

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
            Statistics.label("outcome").collect("parsed");
            return outcome.value();
        }
        if (thrown instanceof ApiError e && CLIENT_ERRORS.contains(e.status())) {
            Statistics.label("outcome").collect("refused " + e.status());
            return null;
        }
        KnownBug known = KnownBug.of(thrown);
        if (known != null) {
            Statistics.label("outcome").collect("known bug " + known);
            return null;
        }
        throw new AssertionError("threw " + thrown.getClass().getName() + " (" + Input.of(String.valueOf(thrown.getMessage()))
                + ") instead of parsing or refusing with 400/404/413 (the client would get a 500) for " + input, thrown);
    }
}
