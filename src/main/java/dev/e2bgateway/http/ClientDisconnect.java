package dev.e2bgateway.http;

import io.javalin.http.Context;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Notices a client that hangs up while its request is being handled, even when nothing is
 * being written to it (waiting for the upstream's first byte, or a non-streaming request).
 *
 * <p>Jetty does not read from a connection while a request is being handled, so it learns of
 * a close only at the next write. This watcher asks the connection's endpoint to report when
 * it becomes readable; once the request body has been read, what a client can send before our
 * response is the end of the stream, or the next request of a pipeline, whose first byte is
 * handed back to the connection untouched. The interest is
 * withdrawn before the handler returns, so Jetty's own reading after the response is untouched.
 *
 * <p>Registering read interest costs a selector wake-up, so the watch starts only once a request
 * has run for a short while (100 ms by default, started by a tick within half that again): quick requests never pay, slow ones are still noticed
 * well within a second.
 *
 * <p><b>HTTP/1.1 only, on purpose.</b> The gateway serves HTTP/1.1 alone (Javalin's connector has
 * no h2/h2c factory; {@code DisconnectWatchProcessIT} fails if that changes). Over h2/h2c the
 * endpoint carries frames of every stream of the connection, so reading a byte here would steal
 * them: the watch refuses any connection whose version is not HTTP/1.x.
 *
 * <p><b>Why {@link Connection.UpgradeTo}.</b> A readable connection is either at its end or holds
 * the next pipelined request; NIO cannot peek, so one byte is read to tell, and when it is a
 * request's first byte it must go back where Jetty parses from. Jetty 12 has no public "unread";
 * the HTTP/1 connection's {@code onUpgradeTo(ByteBuffer)} is the one public way in (it puts the
 * bytes into the connection's request buffer, where its parser reads the next request from). Guarded: a watch starts only on a connection that has it, hands back at most
 * once, and should it ever be missing the connection is closed rather than parse a request that
 * lost its first byte. {@code PipeliningTest} and {@code DisconnectWatchProcessIT} fail on a Jetty
 * upgrade that changes this.
 */
public final class ClientDisconnect implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClientDisconnect.class);

    private final AbstractEndPoint endPoint;
    private final Runnable onDisconnect;
    /** Ends a watch's read interest. Without a stack trace: filling one in cost more than the rest of the watch. */
    private static final class RequestComplete extends CancellationException {
        RequestComplete() {
            super("request complete");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    private final Watcher watcher;
    private volatile boolean closed;
    private boolean armed;
    private boolean handedBack;
    /** When the request joined the watcher's waiting set. */
    private long startNanos;

    private ClientDisconnect(AbstractEndPoint endPoint, Runnable onDisconnect, Watcher watcher) {
        this.endPoint = endPoint;
        this.onDisconnect = onDisconnect;
        this.watcher = watcher;
    }

    /**
     * Starts watches; one per gateway, with one timer thread for the delayed starts. A request
     * that is to be watched later joins a set; a tick every half {@code armAfterMillis} starts the
     * watches of those that have run long enough, and runs only while the set holds any. Scheduling
     * a start per request woke the timer thread for every request (its queue emptied by each
     * cancelled start, every new start became its head): a thread hop per request, which cost
     * CPU and showed in the latency tail at one connection.
     */
    public static final class Watcher implements AutoCloseable {
        private final long armAfterNanos;
        private final long tickMillis;
        private final ScheduledThreadPoolExecutor timer = timer();
        private final Set<ClientDisconnect> waiting = ConcurrentHashMap.newKeySet();
        private final AtomicBoolean ticking = new AtomicBoolean();

        private static ScheduledThreadPoolExecutor timer() {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "client-disconnect-watch");
                t.setDaemon(true);
                return t;
            });
            timer.setRemoveOnCancelPolicy(true);
            return timer;
        }

        /** @param armAfterMillis how long a request runs before its connection is watched (0: at once) */
        public Watcher(long armAfterMillis) {
            this.armAfterNanos = TimeUnit.MILLISECONDS.toNanos(armAfterMillis);
            this.tickMillis = Math.max(1, armAfterMillis / 2);
        }

        /** Starts watching {@code ctx}'s connection; call after the request body has been read. */
        public ClientDisconnect watch(Context ctx, Runnable onDisconnect) {
            ClientDisconnect watch = ClientDisconnect.watch(ctx, onDisconnect, this);
            if (watch.endPoint != null && armAfterNanos == 0) watch.arm();
            else if (watch.endPoint != null) later(watch);
            return watch;
        }

        private void later(ClientDisconnect watch) {
            watch.startNanos = System.nanoTime();
            waiting.add(watch);
            if (ticking.compareAndSet(false, true)) schedule();
        }

        private void schedule() {
            try {
                timer.schedule(this::tick, tickMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // shutting down: no more watches start
            }
        }

        /** Starts the watches that are due; ticks again while any wait (a request added meanwhile is never missed). */
        private void tick() {
            long now = System.nanoTime();
            for (ClientDisconnect watch : waiting) {
                if (now - watch.startNanos >= armAfterNanos && waiting.remove(watch)) watch.arm();
            }
            ticking.set(false);
            if (!waiting.isEmpty() && ticking.compareAndSet(false, true)) schedule();
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    private static ClientDisconnect watch(Context ctx, Runnable onDisconnect, Watcher watcher) {
        AbstractEndPoint endPoint = null;
        try {
            ConnectionMetaData meta = ServletContextRequest.getServletContextRequest(ctx.req()).getConnectionMetaData();
            Connection connection = meta.getConnection();
            // Only an HTTP/1.x connection of its own: over h2/h2c the endpoint carries other streams' frames.
            boolean http1 = meta.getHttpVersion() == HttpVersion.HTTP_1_1 || meta.getHttpVersion() == HttpVersion.HTTP_1_0;
            if (http1 && connection instanceof Connection.UpgradeTo && connection.getEndPoint() instanceof AbstractEndPoint a) {
                endPoint = a;
            } else {
                log.debug("not watching a {} connection ({}) for a disconnect", meta.getHttpVersion(),
                        connection == null ? null : connection.getClass().getSimpleName());
            }
        } catch (RuntimeException e) {
            log.debug("cannot watch this connection for a disconnect", e);
        }
        return new ClientDisconnect(endPoint, onDisconnect, watcher);
    }

    private synchronized void arm() {
        if (endPoint == null || closed || handedBack) return;
        // False: someone else (Jetty itself) is already interested in reading; then this request is
        // not watched, and close() must not fail an interest that is not ours.
        armed = endPoint.tryFillInterested(Callback.from(this::readable, this::failed));
        if (!armed) log.debug("the connection is already being read; not watching it for a disconnect");
    }

    /** Jetty's idle timeout also fails a pending read interest; the request is still alive, so keep watching. */
    private void failed(Throwable failure) {
        if (failure instanceof java.util.concurrent.TimeoutException) arm();
    }

    private synchronized void readable() {
        armed = false; // the interest has fired
        if (closed) return;
        ByteBuffer probe = BufferUtil.allocate(1);
        try {
            int n = endPoint.fill(probe);
            if (n < 0) {
                onDisconnect.run();
            } else if (n == 0) {
                arm();
            } else {
                // The start of a pipelined request (HTTP/1.1 allows it): the byte goes back to the
                // connection's own request buffer, where Jetty parses it once this response is done.
                // The watch ends here; this request is no longer cancelled on a disconnect.
                handedBack = true;
                if (endPoint.getConnection() instanceof Connection.UpgradeTo connection) {
                    connection.onUpgradeTo(probe);
                    log.debug("client sent its next request while this one was in flight; no longer watching");
                } else {
                    // Not reachable while watches start on an UpgradeTo connection only (it cannot change
                    // under a request). Better a failed response than a next request parsed without its first byte.
                    log.warn("a pipelined request's first byte could not be handed back to {}; closing the connection",
                            endPoint.getConnection());
                    endPoint.close();
                }
            }
        } catch (IOException e) {
            onDisconnect.run();
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        watcher.waiting.remove(this);
        if (armed && endPoint.isOpen()) {
            endPoint.getFillInterest().onFail(new RequestComplete());
        }
    }
}
