package dev.e2bgateway.http;

import dev.e2bgateway.core.ChatTrace;
import dev.e2bgateway.error.LogSafe;
import io.javalin.http.Context;

/**
 * One access line per request: id, method, path, status, how it ended ({@code outcome=}), model,
 * stream flag, the route of the last attempt and of every attempt, upstream time, attempts, total
 * time, and the masked key. Never message text.
 */
public final class RequestLog {

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

    /** Whether the request was a chat (it went through the chat lifecycle). */
    public static boolean isChat(Context ctx) {
        return ctx.attribute(TRACE) != null;
    }

    /**
     * How the request ended: what the chat recorded (ok, client_gone, cut, error, limited), else
     * read from the status. A chat that recorded nothing did not finish its reply, whatever its
     * status: a 200 stream that broke off with an in-band error event is an error, not ok.
     */
    public static String outcome(Context ctx) {
        ChatTrace trace = ctx.attribute(TRACE);
        if (trace != null && trace.outcome() != null) return trace.outcome().label;
        int status = ctx.statusCode();
        if (status == 429) return ChatTrace.Outcome.LIMITED.label;
        if (status < 400 && trace == null) return ChatTrace.Outcome.OK.label;
        return ChatTrace.Outcome.ERROR.label;
    }

    /** The model a chat request named, or "-" for other requests. */
    public static String model(Context ctx) {
        String model = ctx.attribute(MODEL);
        return model == null ? "-" : model;
    }

    /**
     * The request's access line, built by hand (this runs for every request) and handed to the
     * batched {@link AccessLog}. {@code ctx.statusCode()}, not {@code ctx.status()}: the latter knows no 529.
     */
    public static void write(AccessLog log, Context ctx, Float totalMillis) {
        if (!log.enabled()) return;
        ChatTrace trace = ctx.attribute(TRACE);
        String model = ctx.attribute(MODEL);
        Boolean stream = ctx.attribute(STREAM);
        String key = ctx.attribute(Auth.KEY_ATTRIBUTE);
        StringBuilder line = new StringBuilder(160)
                .append(RequestIds.of(ctx)).append(' ').append(ctx.method().name()).append(' ').append(LogSafe.text(ctx.path()))
                .append(' ').append(ctx.statusCode())
                .append(" outcome=").append(outcome(ctx))
                .append(" model=").append(model == null ? "-" : LogSafe.text(model))
                .append(" stream=").append(stream == null ? "-" : stream.toString())
                .append(" route=").append(trace == null || trace.route() == null ? "-" : trace.route())
                .append(" routes=").append(trace == null || trace.routes() == null ? "-" : trace.routes());
        if (trace == null) {
            line.append(" upstream_ms=- attempts=-");
        } else {
            line.append(" upstream_ms=").append(trace.upstreamMillis()).append(" attempts=").append(trace.attempts());
        }
        line.append(" total_ms=").append(Math.round(totalMillis)).append(" key=").append(key == null ? "-" : key);
        if (trace != null && trace.sandboxRuns() > 0) line.append(" sandbox_runs=").append(trace.sandboxRuns());
        log.write(line);
    }
}
