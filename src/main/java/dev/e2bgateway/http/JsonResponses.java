package dev.e2bgateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;

/** Writes JSON responses with the one shared ObjectMapper. */
public final class JsonResponses {

    private final ObjectMapper mapper;

    public JsonResponses(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public void write(Context ctx, Object body) {
        try {
            write(ctx, mapper.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a response", e);
        }
    }

    /**
     * A body already encoded (a dialect's rendering), written straight to the response: Javalin's
     * {@code result} would copy it through a fresh 8 KB buffer per request. Safe because the
     * gateway never compresses (App sets {@code CompressionStrategy.NONE}). No Content-Length is
     * set here: Jetty adds it when the request ends, after it has read what is left of the request
     * body (a response complete before that would close the connection under a client still sending).
     */
    public static void write(Context ctx, byte[] json) {
        ctx.contentType("application/json");
        try {
            ctx.res().getOutputStream().write(json);
        } catch (IOException e) {
            // The client hung up: nothing is left to tell it, as when Javalin wrote the result.
        }
    }
}
