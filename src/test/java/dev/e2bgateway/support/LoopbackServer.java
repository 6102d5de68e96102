package dev.e2bgateway.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A test server on a free loopback port: accepts connections and serves each on its own thread. */
public abstract class LoopbackServer implements AutoCloseable {

    private final ServerSocket server;
    private final ExecutorService executor;

    protected LoopbackServer(String name, int backlog) {
        try {
            server = new ServerSocket(0, backlog, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts accepting; subclasses call it last in their constructor, once their fields are set. */
    protected final void start() {
        executor.execute(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    executor.execute(() -> serve(socket));
                } catch (IOException e) {
                    return; // closed
                }
            }
        });
    }

    /** Serves one connection; closing it is the subclass's job. */
    protected abstract void serve(Socket socket);

    /** Runs more work on the server's threads (a second pipe direction, say). */
    protected final void execute(Runnable task) {
        executor.execute(task);
    }

    public int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        executor.shutdownNow();
    }
}
