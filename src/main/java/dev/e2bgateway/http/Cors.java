package dev.e2bgateway.http;

import io.javalin.http.Context;

/**
 * CORS for browser clients: every response allows any origin; a preflight is answered 204
 * without auth (it carries no Authorization header) and echoes the requested headers, since
 * the SDKs send {@code x-stainless-*} ones.
 */
public final class Cors {

    private Cors() {
    }

    public static void headers(Context ctx) {
        ctx.header("Access-Control-Allow-Origin", "*");
        ctx.header("Access-Control-Expose-Headers", "x-request-id, x-should-retry, retry-after");
    }

    public static void preflight(Context ctx) {
        ctx.header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        String requested = ctx.header("Access-Control-Request-Headers");
        ctx.header("Access-Control-Allow-Headers", requested != null && !requested.isBlank() ? requested : "*");
        ctx.header("Access-Control-Max-Age", "86400");
        ctx.status(204);
    }
}
