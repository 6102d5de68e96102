package dev.e2bgateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;

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

    /** A body already encoded (a dialect's rendering). */
    public static void write(Context ctx, byte[] json) {
        ctx.contentType("application/json").result(json);
    }
}
