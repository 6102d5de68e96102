package dev.e2bgateway.http;

import dev.e2bgateway.core.ChatTrace;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per request: id, method, path, status, model, stream flag, upstream time,
 * attempts, total time, and the masked key. Never message text.
 */
public final class RequestLog {

    private static final Logger log = LoggerFactory.getLogger("e2bgateway.access");
    private static final String TRACE = "e2b.trace";
    private static final String MODEL = "e2b.model";
    private static final String STREAM = "e2b.stream";

    private RequestLog() {
    }

    /** Marks the request as a chat, so its line carries the model, the stream flag and the upstream figures. */
    public static void chat(Context ctx, String model, boolean stream, ChatTrace trace) {
        ctx.attribute(TRACE, trace);
        ctx.attribute(MODEL, model);
        ctx.attribute(STREAM, stream);
    }

    /** The model a chat request named, or "-" for other requests. */
    public static String model(Context ctx) {
        String model = ctx.attribute(MODEL);
        return model == null ? "-" : model;
    }

    /** {@code ctx.statusCode()}, not {@code ctx.status()}: the latter knows no 529. */
    public static void write(Context ctx, Float totalMillis) {
        ChatTrace trace = ctx.attribute(TRACE);
        String model = ctx.attribute(MODEL);
        Boolean stream = ctx.attribute(STREAM);
        String key = ctx.attribute(Auth.KEY_ATTRIBUTE);
        log.info("{} {} {} {} model={} stream={} route={} upstream_ms={} attempts={} total_ms={} key={}",
                RequestIds.of(ctx), ctx.method(), ctx.path(), ctx.statusCode(),
                model == null ? "-" : model, stream == null ? "-" : stream,
                trace == null || trace.route() == null ? "-" : trace.route(),
                trace == null ? "-" : trace.upstreamMillis(), trace == null ? "-" : trace.attempts(),
                Math.round(totalMillis), key == null ? "-" : key);
    }
}
