package dev.e2bgateway.http;

import io.javalin.http.Context;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Gives every request an id, sent back as {@code x-request-id} and used in every log line about it. */
public final class RequestIds {

    private static final String ATTRIBUTE = "e2b.requestId";
    private RequestIds() {
    }

    public static void assign(Context ctx) {
        // Unique enough to find a request in the logs; not a secret, so no SecureRandom (and its lock).
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String id = "req_" + HexFormat.of().toHexDigits(random.nextLong()) + HexFormat.of().toHexDigits(random.nextInt());
        ctx.attribute(ATTRIBUTE, id);
        ctx.header("x-request-id", id);
    }

    public static String of(Context ctx) {
        String id = ctx.attribute(ATTRIBUTE);
        return id == null ? "req_none" : id;
    }
}
