package dev.e2bgateway.api;

import dev.e2bgateway.core.InFlight;
import dev.e2bgateway.core.RequestContext;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.http.ClientDisconnect;
import dev.e2bgateway.http.ErrorResponses;
import dev.e2bgateway.http.RequestBodies;
import dev.e2bgateway.http.RequestLog;
import dev.e2bgateway.http.SseStream;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.function.Function;

/**
 * What every chat front door does around the core: refuse work while draining, track the chat
 * for shutdown, cancel it when the client hangs up, and report a failure after a stream started
 * in-band (before that, it is still an HTTP status).
 */
public final class ChatRunner {

    private static final Logger log = LoggerFactory.getLogger(ChatRunner.class);

    interface Work {
        void run(RequestContext rc) throws IOException;
    }

    private final InFlight inFlight;
    private final ErrorResponses errors;
    private final ClientDisconnect.Watcher disconnects;
    private final RequestBodies bodies;

    public ChatRunner(InFlight inFlight, ErrorResponses errors, ClientDisconnect.Watcher disconnects, RequestBodies bodies) {
        this.bodies = bodies;
        this.inFlight = inFlight;
        this.errors = errors;
        this.disconnects = disconnects;
    }

    /** The request body, within the size limit. */
    byte[] body(Context ctx) {
        return bodies.read(ctx);
    }

    void run(Context ctx, String model, boolean stream, Work work) {
        if (inFlight.draining()) throw ApiError.unavailable("The gateway is shutting down; retry the request.");
        RequestContext rc = RequestLog.begin(ctx, model, stream);
        inFlight.add(rc);
        try (ClientDisconnect ignored = disconnects.watch(ctx, rc::cancel)) {
            work.run(rc);
        } catch (IOException e) {
            rc.cancel();
            log.debug("{} client disconnected: {}", rc.requestId(), e.toString());
        } finally {
            inFlight.remove(rc);
        }
    }

    /** Runs a streaming reply; an error after the first event becomes one more event, made by {@code errorEvent}. */
    void stream(Context ctx, SseStream sse, Function<ApiError, byte[]> errorEvent, Work work, RequestContext rc) throws IOException {
        try {
            work.run(rc);
        } catch (ApiError e) {
            if (!sse.started()) throw e; // still time for a proper HTTP status
            errors.write(ctx, e);
            sse.send(errorEvent.apply(e));
        }
    }
}
