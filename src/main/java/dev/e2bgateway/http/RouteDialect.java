package dev.e2bgateway.http;

import dev.e2bgateway.dialect.ErrorFormat;
import io.javalin.http.Context;

/**
 * The error format of the route a request matched, attached by a before-handler of that route,
 * so errors follow the route (however its path was spelled), not a string test on the path.
 */
public final class RouteDialect {

    private static final String ATTRIBUTE = "e2b.errorFormat";

    private RouteDialect() {
    }

    public static void attach(Context ctx, ErrorFormat format) {
        ctx.attribute(ATTRIBUTE, format);
    }

    /** The route's error format, or {@code fallback} for requests no dialect route matched. */
    public static ErrorFormat of(Context ctx, ErrorFormat fallback) {
        ErrorFormat format = ctx.attribute(ATTRIBUTE);
        return format == null ? fallback : format;
    }
}
