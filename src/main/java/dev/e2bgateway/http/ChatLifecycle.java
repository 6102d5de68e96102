package dev.e2bgateway.http;

import dev.e2bgateway.core.Cancellation;
import dev.e2bgateway.core.ChatTrace;
import dev.e2bgateway.core.ClientGoneException;
import dev.e2bgateway.core.InFlight;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.error.LogSafe;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * What happens around every chat, whatever its dialect: refuse it while draining, count it
 * against its key's limits, track it for a graceful shutdown, cancel it when the client hangs up,
 * and mark it for the access log.
 */
public final class ChatLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ChatLifecycle.class);

    /** The chat itself, run with its trace and cancellation token. */
    public interface Work {
        void run(ChatTrace trace, Cancellation cancellation) throws IOException;
    }

    private final InFlight inFlight;
    private final ClientDisconnect.Watcher disconnects;
    private final KeyLimiter limiter;

    public ChatLifecycle(InFlight inFlight, ClientDisconnect.Watcher disconnects, KeyLimiter limiter) {
        this.inFlight = inFlight;
        this.disconnects = disconnects;
        this.limiter = limiter;
    }

    public void run(Context ctx, String model, boolean stream, Work work) {
        if (inFlight.draining()) throw ApiError.unavailable("The gateway is shutting down; retry the request.");
        ChatTrace trace = new ChatTrace(RequestIds.of(ctx));
        trace.key(Auth.keyName(ctx), limiter.sandboxAllowance(Auth.of(ctx)));
        RequestLog.chat(ctx, model, stream, trace);
        Cancellation cancellation = new Cancellation();
        inFlight.add(cancellation);
        try (KeyLimiter.Permit permit = limiter.admit(ctx, Auth.of(ctx));
             ClientDisconnect ignored = disconnects.watch(ctx, cancellation::cancel)) {
            work.run(trace, cancellation);
        } catch (ClientGoneException | IOException e) {
            cancellation.cancel();
            trace.end(ChatTrace.Outcome.CLIENT_GONE);
            log.debug("{} client disconnected: {}", trace.requestId(), LogSafe.message(e));
        } finally {
            inFlight.remove(cancellation);
        }
    }
}
