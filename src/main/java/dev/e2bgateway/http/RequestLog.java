package dev.e2bgateway.http;

import dev.e2bgateway.core.RequestContext;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per request: id, method, path, status, model, stream flag, upstream time,
 * total time, and the masked key. Never message text.
 */
public final class RequestLog {

    private static final Logger log = LoggerFactory.getLogger("e2bgateway.access");
    private static final String CONTEXT = "e2b.context";
    private static final String MODEL = "e2b.model";
    private static final String STREAM = "e2b.stream";

    private RequestLog() {
    }

    /** Marks the request as a chat and returns its context (cancellation, timings). */
    public static RequestContext begin(Context ctx, String model, boolean stream) {
        RequestContext rc = new RequestContext(RequestIds.of(ctx));
        ctx.attribute(CONTEXT, rc);
        ctx.attribute(MODEL, model);
        ctx.attribute(STREAM, stream);
        return rc;
    }

    /** The model a chat request named, or "-" for other requests. */
    public static String model(Context ctx) {
        String model = ctx.attribute(MODEL);
        return model == null ? "-" : model;
    }

    public static void write(Context ctx, Float totalMillis) {
        RequestContext rc = ctx.attribute(CONTEXT);
        String model = ctx.attribute(MODEL);
        Boolean stream = ctx.attribute(STREAM);
        String key = ctx.attribute(Auth.KEY_ATTRIBUTE);
        log.info("{} {} {} {} model={} stream={} upstream_ms={} attempts={} total_ms={} key={}",
                RequestIds.of(ctx), ctx.method(), ctx.path(), ctx.status().getCode(),
                model == null ? "-" : model, stream == null ? "-" : stream,
                rc == null ? "-" : rc.upstreamMillis(), rc == null ? "-" : rc.attempts(),
                Math.round(totalMillis), key == null ? "-" : key);
    }
}
