package dev.e2bgateway.http;

import dev.e2bgateway.error.ApiError;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a request body up to the configured limit. Javalin's own reader copies through an
 * 8 KB buffer and a growing stream for every body; chat bodies are usually small and announce
 * their length, so this allocates exactly what arrives.
 */
public final class RequestBodies {

    private final long limit;

    public RequestBodies(long limit) {
        this.limit = limit;
    }

    public byte[] read(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > limit) throw ApiError.bodyTooLarge(limit);
        try (InputStream in = ctx.req().getInputStream()) {
            if (declared >= 0) {
                byte[] body = in.readNBytes((int) declared);
                if (body.length < declared) throw ApiError.invalidRequest(null, "The request body ended early.");
                return body;
            }
            byte[] body = in.readNBytes((int) limit + 1); // chunked: read up to one byte past the limit
            if (body.length > limit) throw ApiError.bodyTooLarge(limit);
            return body;
        } catch (IOException e) {
            // A client that stops sending (or hangs up) mid-body: its problem, not a server error.
            throw ApiError.invalidRequest(null, "The request body could not be read: the client stopped sending it.");
        }
    }
}
