package dev.e2bgateway.http;

import io.javalin.http.Context;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Gives every request an id, sent back as {@code x-request-id} and used in every log line about it. */
public final class RequestIds {

    private static final String ATTRIBUTE = "e2b.requestId";
    private static final SecureRandom RANDOM = new SecureRandom();

    private RequestIds() {
    }

    public static void assign(Context ctx) {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        String id = "req_" + HexFormat.of().formatHex(bytes);
        ctx.attribute(ATTRIBUTE, id);
        ctx.header("x-request-id", id);
    }

    public static String of(Context ctx) {
        String id = ctx.attribute(ATTRIBUTE);
        return id == null ? "req_none" : id;
    }
}
