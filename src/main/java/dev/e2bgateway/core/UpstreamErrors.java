package dev.e2bgateway.core;

import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.error.ApiError.Kind;
import dev.e2bgateway.upstream.UpstreamFailure;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The one table from an upstream failure to what the client is told: kind of error (and so
 * status), code, message, {@code x-should-retry} and {@code Retry-After}. The messages name the
 * gateway's settings where one explains the failure; the upstream client knows none of them.
 */
public final class UpstreamErrors {

    private final Duration idleTimeout;
    private final LongSupplier clock;

    /** @param clock the current time in Unix milliseconds, for {@code Retry-After} */
    public UpstreamErrors(Duration idleTimeout, LongSupplier clock) {
        this.idleTimeout = idleTimeout;
        this.clock = clock;
    }

    /**
     * Chat UIs show the message to a person: it says what happened in plain words and, where
     * known, when to try again. {@code x-should-retry} is true only where a client's retry can
     * succeed; a refused provider key, a request the upstream cannot parse, a 4xx or a bot-protection
     * page come back the same however often they are sent, and on the public host every retry spends
     * one of the day's requests.
     */
    public ApiError toClient(UpstreamFailure f) {
        String detail = f.detail();
        String quoted = detail.isEmpty() ? "" : ": " + detail;
        return switch (f.kind()) {
            // A retry within the SDKs' few seconds cannot pass the day's limit: the message says when instead.
            case RATE_LIMIT_DAILY -> new ApiError(Kind.RATE_LIMITED, null, "rate_limit_exceeded",
                    sentence(detail.isEmpty() ? "The upstream's daily request limit is reached" : detail) + " "
                            + tryAgain(f.retryAtMillis(), "Try again later (the upstream did not say when its limit resets)."),
                    false, retryAfterSeconds(f.retryAtMillis()));
            case RATE_LIMIT_PROVIDER -> new ApiError(Kind.RATE_LIMITED, null, "rate_limit_exceeded",
                    sentence(detail.isEmpty() ? "The model provider's rate limit is reached" : detail) + " "
                            + tryAgain(f.retryAtMillis(), "Try again in a minute, or set your own key for this provider (E2B_PROVIDER_KEYS)."),
                    true, retryAfterSeconds(f.retryAtMillis()));
            case OVERLOADED -> new ApiError(Kind.OVERLOADED, null, "upstream_overloaded",
                    sentence("The model provider is overloaded (HTTP " + f.status() + ")" + quoted)
                            + (f.retryAtMillis() == null ? "" : " " + tryAgain(f.retryAtMillis(), "")),
                    true, retryAfterSeconds(f.retryAtMillis()));
            case TOO_LARGE -> new ApiError(Kind.TOO_LARGE, null, "request_too_large",
                    "The upstream refused the request as too large (its limit is 4.5 MB; large images are the usual cause).",
                    false, null);
            case EDGE_PAGE -> f.status() == 429
                    ? new ApiError(Kind.RATE_LIMITED, null, "rate_limit_exceeded", "The upstream's edge refused the request"
                    + " with HTTP 429 and an HTML page (bot protection or rate limiting in front of the host). "
                    + tryAgain(f.retryAtMillis(), "Try again in a minute."), true, retryAfterSeconds(f.retryAtMillis()))
                    // An edge's 5xx passes; a bot-protection page (403, or one served as 200) answers every retry the same.
                    : badGateway(f.status() == 200
                    ? "The upstream answered 200 with an HTML page instead of a reply (a bot-protection or edge page)."
                    : "The upstream answered HTTP " + f.status() + " with an HTML page (bot protection or edge trouble), not a reply.",
                    f.status() >= 500);
            case KEY_REJECTED -> badGateway("The model provider refused the API key the upstream sent for this model (HTTP 403"
                    + (detail.isEmpty() ? "" : ", \"" + detail + "\"") + "). Retrying will not help: fix the provider key"
                    + " (E2B_PROVIDER_KEYS or the models file's apiKey) or choose a model of another provider.", false);
            case REJECTED_REQUEST -> badGateway("The upstream failed with an empty HTTP 500, its answer to a request it"
                    + " cannot parse (unknown model or provider). Retrying will not help.", false);
            // Generic: a passing provider fault as often as a refused parameter, so a client may try once more.
            case PROVIDER_ERROR -> badGateway("The upstream reported a provider error (HTTP 500)" + quoted, true);
            case BAD_STATUS -> badGateway("The upstream answered HTTP " + f.status() + quoted, f.status() >= 500 || f.status() == 408);
            case CUT -> badGateway("The upstream reply was cut off before it was complete (the upstream closed it early)."
                    + " Try again.", true);
            case EMPTY -> badGateway("The upstream sent an empty reply. Try again.", true);
            case NOT_JSON, MALFORMED -> badGateway(sentence(detail.isEmpty() ? "the upstream reply was unusable" : detail)
                    + " Try again.", true);
            case CONNECT -> badGateway("Cannot reach the upstream: " + detail + ". The gateway's operator sets the upstream"
                    + " with E2B_BASE_URL (or the routes in E2B_UPSTREAMS_FILE).", true);
            case READ_ERROR -> badGateway("The upstream reply was cut off: the connection failed in the middle of it (" + detail + ").", true);
            case FIRST_BYTE_TIMEOUT -> timeout("The upstream did not answer in time (E2B_FIRST_BYTE_TIMEOUT_MS).");
            case IDLE_TIMEOUT -> timeout("The upstream sent nothing for " + (idleTimeout.toMillis() < 10_000
                    ? idleTimeout.toMillis() + " ms" : idleTimeout.toSeconds() + " s") + " (E2B_IDLE_TIMEOUT_MS).");
            case CANCELLED -> ApiError.internal(); // callers turn a cancellation into its own outcome first
        };
    }

    /** "Try again in about 90 s (at 14:05 UTC)." when the upstream said when, else {@code otherwise}. */
    private String tryAgain(Long retryAtMillis, String otherwise) {
        return retryAtMillis == null ? otherwise : "Try again " + Later.in(retryAtMillis, clock.getAsLong()) + ".";
    }

    /** Retry-After wants whole seconds from now, at least one. */
    private Long retryAfterSeconds(Long retryAtMillis) {
        if (retryAtMillis == null) return null;
        long millis = retryAtMillis - clock.getAsLong();
        return Math.max(1, (millis + 999) / 1000);
    }

    private static ApiError badGateway(String message, boolean retryable) {
        return new ApiError(Kind.UPSTREAM, null, "upstream_error", message, retryable, null);
    }

    private static ApiError timeout(String message) {
        return new ApiError(Kind.TIMEOUT, null, "upstream_timeout", message, true, null);
    }

    private static String sentence(String message) {
        return Character.toUpperCase(message.charAt(0)) + message.substring(1) + (message.endsWith(".") ? "" : ".");
    }
}
