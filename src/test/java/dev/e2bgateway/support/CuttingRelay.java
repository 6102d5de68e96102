package dev.e2bgateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP relay on a loopback port to a server (Redis), passing bytes both ways untouched, that can
 * break a connection at the worst moment for a client: after the server has run a command and
 * answered it, before the answer reaches the client. Armed with markers, it lets the next
 * client write that contains one of them through, swallows the server's answer to it and closes
 * both sides: the client sees its connection reset and cannot tell whether the command ran.
 */
public final class CuttingRelay extends LoopbackServer {

    private final int target;
    private final AtomicReference<List<byte[]>> markers = new AtomicReference<>();
    private final AtomicInteger cuts = new AtomicInteger();

    public CuttingRelay(int targetPort) {
        super("cutting-relay", 50);
        this.target = targetPort;
        start();
    }

    /** Cuts the next connection whose client writes any of {@code texts}, once the server has answered that write. */
    public void cutAfterAnswerTo(String... texts) {
        markers.set(Arrays.stream(texts).map(t -> t.getBytes(StandardCharsets.UTF_8)).toList());
    }

    /** How many connections were cut. */
    public int cuts() {
        return cuts.get();
    }

    @Override
    protected void serve(Socket client) {
        try (client; Socket server = new Socket(InetAddress.getLoopbackAddress(), target)) {
            AtomicReference<Boolean> cutNext = new AtomicReference<>(false);
            execute(() -> {
                try (InputStream in = server.getInputStream(); OutputStream out = client.getOutputStream()) {
                    byte[] buffer = new byte[8192];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        if (cutNext.get()) {
                            cuts.incrementAndGet();
                            client.close();
                            server.close();
                            return;
                        }
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                } catch (IOException e) {
                    // either side gone: so is the relay
                }
            });
            InputStream in = client.getInputStream();
            OutputStream out = server.getOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                List<byte[]> m = markers.get();
                if (m != null && contains(buffer, n, m) && markers.compareAndSet(m, null)) cutNext.set(true);
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // either side gone: so is the relay
        }
    }

    private static boolean contains(byte[] buffer, int length, List<byte[]> markers) {
        return markers.stream().anyMatch(m -> contains(buffer, length, m));
    }

    private static boolean contains(byte[] buffer, int length, byte[] m) {
        outer:
        for (int i = 0; i + m.length <= length; i++) {
            for (int j = 0; j < m.length; j++) {
                if (buffer[i + j] != m[j]) continue outer;
            }
            return true;
        }
        return false;
    }
}
