package dev.e2bgateway.http;

import dev.e2bgateway.error.ApiError;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.BooleanSupplier;

/**
 * Reads a request body up to the configured limit. Javalin's own reader copies through an
 * 8 KB buffer and a growing stream for every body; chat bodies are usually small and announce
 * their length, so this allocates exactly what arrives. A body cut off while the gateway shuts
 * down is a 503, not the client's 400: the stop may be what cut it, and a proxy in front (nginx's
 * {@code proxy_next_upstream http_503}) then sends the request to another gateway.
 */
public final class RequestBodies {

    private final long limit;
    private final BooleanSupplier draining;

    public RequestBodies(long limit) {
        this(limit, () -> false);
    }

    /** @param draining whether the gateway is shutting down */
    public RequestBodies(long limit, BooleanSupplier draining) {
        this.limit = limit;
        this.draining = draining;
    }

    public byte[] read(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > limit) throw ApiError.bodyTooLarge(limit);
        try (InputStream in = ctx.req().getInputStream()) {
            if (declared >= 0) {
                byte[] body = in.readNBytes((int) declared);
                if (body.length < declared) throw cut("The request body ended early.");
                return body;
            }
            byte[] body = in.readNBytes((int) limit + 1); // chunked: read up to one byte past the limit
            if (body.length > limit) throw ApiError.bodyTooLarge(limit);
            return body;
        } catch (IOException e) {
            // A client that stops sending (or hangs up) mid-body: its problem, not a server error.
            throw cut("The request body could not be read: the client stopped sending it.");
        }
    }

    private ApiError cut(String message) {
        return draining.getAsBoolean() ? ApiError.unavailable("The gateway is shutting down; retry the request.")
                : ApiError.invalidRequest(null, message);
    }
}
