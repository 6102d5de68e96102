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

    public ApiError toClient(UpstreamFailure f) {
        String detail = f.detail();
        String quoted = detail.isEmpty() ? "" : ": " + detail;
        return switch (f.kind()) {
            case RATE_LIMIT_DAILY -> new ApiError(Kind.RATE_LIMITED, null, "rate_limit_exceeded",
                    detail.isEmpty() ? "The upstream's daily request limit is reached." : detail, false,
                    retryAfterSeconds(f.retryAtMillis()));
            case RATE_LIMIT_PROVIDER -> new ApiError(Kind.RATE_LIMITED, null, "rate_limit_exceeded",
                    detail.isEmpty() ? "The model provider's rate limit is reached." : detail, true,
                    retryAfterSeconds(f.retryAtMillis()));
            case OVERLOADED -> new ApiError(Kind.OVERLOADED, null, "upstream_overloaded",
                    "The upstream is overloaded (HTTP " + f.status() + ")" + quoted, true, retryAfterSeconds(f.retryAtMillis()));
            case TOO_LARGE -> new ApiError(Kind.TOO_LARGE, null, "request_too_large",
                    "The upstream refused the request as too large (its limit is 4.5 MB; large images are the usual cause).",
                    false, null);
            case EDGE_PAGE -> f.status() == 429
                    ? new ApiError(Kind.RATE_LIMITED, null, "rate_limit_exceeded", "The upstream's edge refused the request"
                    + " with HTTP 429 and an HTML page (bot protection or rate limiting in front of the host).", true,
                    retryAfterSeconds(f.retryAtMillis()))
                    : badGateway(f.status() == 200
                    ? "The upstream answered 200 with an HTML page instead of a reply (a bot-protection or edge page)."
                    : "The upstream answered HTTP " + f.status() + " with an HTML page (bot protection or edge trouble), not a reply.");
            case KEY_REJECTED -> badGateway("The model provider rejected the upstream's API key (HTTP 403)" + quoted);
            case REJECTED_REQUEST -> badGateway("The upstream failed with an empty HTTP 500, its answer to a request it"
                    + " cannot parse (unknown model or provider).");
            case PROVIDER_ERROR -> badGateway("The upstream reported a provider error (HTTP 500)" + quoted);
            case BAD_STATUS -> badGateway("The upstream answered HTTP " + f.status() + quoted);
            case NOT_JSON, MALFORMED, CUT, EMPTY -> badGateway(sentence(detail));
            case CONNECT -> badGateway("Cannot reach the upstream: " + detail);
            case READ_ERROR -> badGateway("The upstream connection failed in the middle of the reply: " + detail);
            case FIRST_BYTE_TIMEOUT -> timeout("The upstream did not answer in time (E2B_FIRST_BYTE_TIMEOUT_MS).");
            case IDLE_TIMEOUT -> timeout("The upstream sent nothing for " + (idleTimeout.toMillis() < 10_000
                    ? idleTimeout.toMillis() + " ms" : idleTimeout.toSeconds() + " s") + " (E2B_IDLE_TIMEOUT_MS).");
            case CANCELLED -> ApiError.internal(); // callers turn a cancellation into its own outcome first
        };
    }

    /** Retry-After wants whole seconds from now, at least one. */
    private Long retryAfterSeconds(Long retryAtMillis) {
        if (retryAtMillis == null) return null;
        long millis = retryAtMillis - clock.getAsLong();
        return Math.max(1, (millis + 999) / 1000);
    }

    private static ApiError badGateway(String message) {
        return new ApiError(Kind.UPSTREAM, null, "upstream_error", message, true, null);
    }

    private static ApiError timeout(String message) {
        return new ApiError(Kind.TIMEOUT, null, "upstream_timeout", message, true, null);
    }

    private static String sentence(String message) {
        if (message.isEmpty()) return "The upstream reply was unusable.";
        return Character.toUpperCase(message.charAt(0)) + message.substring(1) + (message.endsWith(".") ? "" : ".");
    }
}
