package dev.e2bgateway.http;

import dev.e2bgateway.dialect.ErrorFormat;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.error.LogSafe;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every error response: status, body in the route's dialect, retry headers. The one
 * place that does; it logs 4xx at WARN and 5xx at ERROR, without a stack.
 */
public final class ErrorWriter {

    private static final Logger log = LoggerFactory.getLogger(ErrorWriter.class);
    private static final String WRITTEN = "e2b.errorWritten";

    private final ErrorFormat fallback;

    /** @param fallback the format for requests that matched no dialect's route (404s, /health) */
    public ErrorWriter(ErrorFormat fallback) {
        this.fallback = fallback;
    }

    /** True if this request's error body has been written (Javalin's status handlers must keep it). */
    public static boolean written(Context ctx) {
        return ctx.attribute(WRITTEN) != null;
    }

    public void write(Context ctx, ApiError error) {
        ctx.attribute(WRITTEN, Boolean.TRUE);
        if (error.status() >= 500) {
            log.error("{} {} {} -> {}: {}", RequestIds.of(ctx), LogSafe.text(ctx.method()), LogSafe.text(ctx.path()), error.status(),
                    LogSafe.message(error.getMessage()));
        } else {
            log.warn("{} {} {} -> {}: {}", RequestIds.of(ctx), LogSafe.text(ctx.method()), LogSafe.text(ctx.path()), error.status(),
                    LogSafe.message(error.getMessage()));
        }
        if (ctx.res().isCommitted()) return; // a stream reports in-band instead
        ErrorFormat format = RouteDialect.of(ctx, fallback);
        ctx.status(format.status(error));
        // The SDKs retry 429 and 5xx unless told this cannot help (docs/wire.md).
        ctx.header("x-should-retry", String.valueOf(error.retryable()));
        if (error.retryAfterSeconds() != null) ctx.header("Retry-After", String.valueOf(error.retryAfterSeconds()));
        JsonResponses.write(ctx, format.body(error));
    }
}
