package dev.e2bgateway.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;

/**
 * CORS for browser clients: every response allows any origin; a preflight (an {@code OPTIONS}
 * with {@code Access-Control-Request-Method}) is answered 204 on any path, as Javalin's CORS
 * plugin does, without auth (it carries no Authorization header) and echoing the requested
 * headers, since the SDKs send {@code x-stainless-*} ones. No list of paths to keep in step with
 * the routes: a preflight only asks whether the real request may be sent, and that request meets
 * the routes (a 404 for an unknown path, a 401 without a key). It never grants
 * {@code Access-Control-Allow-Private-Network}: public pages stay out of a gateway on a private address.
 */
public final class Cors {

    private Cors() {
    }

    public static void headers(Context ctx) {
        ctx.header("Access-Control-Allow-Origin", "*");
        ctx.header("Access-Control-Expose-Headers", "x-request-id, x-should-retry, retry-after");
    }

    /** A before-handler: answers a preflight and skips every handler after it; lets anything else through. */
    public static void preflight(Context ctx) {
        if (ctx.method() != HandlerType.OPTIONS || ctx.header("Access-Control-Request-Method") == null) return;
        ctx.header("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
        String requested = ctx.header("Access-Control-Request-Headers");
        ctx.header("Access-Control-Allow-Headers", requested != null && !requested.isBlank() ? requested : "*");
        ctx.header("Access-Control-Max-Age", "86400");
        ctx.status(204);
        ctx.skipRemainingHandlers();
    }
}
