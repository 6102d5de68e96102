package dev.e2bgateway.fuzz;

import dev.e2bgateway.error.ApiError;
import net.jqwik.api.statistics.Statistics;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;

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
            Statistics.label("outcome").collect("parsed");
            return outcome.value();
        }
        if (thrown instanceof ApiError e && CLIENT_ERRORS.contains(e.status())) {
            Statistics.label("outcome").collect("refused " + e.status());
            return null;
        }
        throw new AssertionError("threw " + thrown.getClass().getName() + " (" + Input.of(String.valueOf(thrown.getMessage()))
                + ") instead of parsing or refusing with 400/404/413 (the client would get a 500) for " + input, thrown);
    }
}
