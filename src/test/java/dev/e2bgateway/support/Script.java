package dev.e2bgateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the fake upstream does with one request. Built fluently, played once. */
public final class Script {

    enum Outcome { DONE, CLOSE, ABORTED }

    private int status = 200;
    private final Map<String, String> headers = new LinkedHashMap<>(Map.of("Content-Type", "text/plain; charset=utf-8"));
    private final List<byte[]> pieces = new ArrayList<>();
    private long headerDelayMillis;
    private long pauseMillis;
    private long hangMillis;
    private boolean drop;
    private boolean cutConnection;
    private int gateIndex = -1;
    private java.util.concurrent.CountDownLatch gate;
    private volatile boolean gateOpened;

    private Script() {
    }

    /** A 200 whose body is a fragment object with this reply in {@code code}, in one piece. */
    public static Script reply(String code) {
        return ok(Fragments.json("Replying.", code));
    }

    /** A 200 with this body in one piece (then {@link #splitEvery} to stream it). */
    public static Script ok(String body) {
        return pieces(body);
    }

    /** A 200 with these pieces, each written and flushed on its own. */
    public static Script pieces(String... parts) {
        Script s = new Script();
        for (String p : parts) s.pieces.add(p.getBytes(StandardCharsets.UTF_8));
        return s;
    }

    /** A 200 with these raw byte pieces (for UTF-8 split inside a character). */
    public static Script bytes(List<byte[]> parts) {
        Script s = new Script();
        s.pieces.addAll(parts);
        return s;
    }

    /** A non-200 answer with a plain body (sent with Content-Length, as error pages are). */
    public static Script status(int status, String body) {
        Script s = new Script();
        s.status = status;
        s.pieces.add(body.getBytes(StandardCharsets.UTF_8));
        return s;
    }

    /** Closes the connection without answering: a connection failure as the gateway sees it. */
    public static Script drop() {
        Script s = new Script();
        s.drop = true;
        return s;
    }

    /** Splits the body into pieces of {@code n} bytes: escapes and UTF-8 characters get cut anywhere. */
    public Script splitEvery(int n) {
        byte[] all = joined();
        pieces.clear();
        for (int i = 0; i < all.length; i += n) {
            byte[] p = new byte[Math.min(n, all.length - i)];
            System.arraycopy(all, i, p, 0, p.length);
            pieces.add(p);
        }
        return this;
    }

    /** Keeps only the first {@code n} bytes of the body: a reply cut off mid-object. */
    public Script truncate(int n) {
        byte[] all = joined();
        byte[] kept = new byte[Math.min(n, all.length)];
        System.arraycopy(all, 0, kept, 0, kept.length);
        pieces.clear();
        pieces.add(kept);
        return this;
    }

    public Script header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** Waits this long before the response headers. */
    public Script headerDelay(long millis) {
        this.headerDelayMillis = millis;
        return this;
    }

    /** Waits this long between pieces. */
    public Script pause(long millis) {
        this.pauseMillis = millis;
        return this;
    }

    /**
     * Holds piece {@code index} back until {@code gate} opens (at most 10 s, so that a broken test
     * ends): proves that what came before it reached the client while the upstream was still busy,
     * once {@link #openedByGate()} says the gate, not its time limit, let the piece go.
     */
    public Script gateBefore(int index, java.util.concurrent.CountDownLatch gate) {
        this.gateIndex = index;
        this.gate = gate;
        return this;
    }

    /**
     * True once the gated piece went out because its gate was opened; false while it waits and
     * when the wait ran out instead (the client never saw what came before, or the test never
     * opened the gate). A structural proof of streaming, whatever the machine's speed.
     */
    public boolean openedByGate() {
        return gateOpened;
    }

    /** After the last piece, sends nothing for this long before ending the body. */
    public Script thenHang(long millis) {
        this.hangMillis = millis;
        return this;
    }

    /** After the last piece, closes the connection without ending the chunked body. */
    public Script thenCutConnection() {
        this.cutConnection = true;
        return this;
    }

    Outcome play(Socket socket) throws IOException {
        if (!waitWatching(socket, headerDelayMillis)) return Outcome.ABORTED;
        if (drop) return Outcome.CLOSE;
        OutputStream out = socket.getOutputStream();
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason()).append("\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        if (status != 200) {
            byte[] body = joined();
            head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return Outcome.DONE;
        }
        head.append("Transfer-Encoding: chunked\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        for (int i = 0; i < pieces.size(); i++) {
            if (i > 0 && !waitWatching(socket, pauseMillis)) return Outcome.ABORTED;
            if (i == gateIndex) {
                try {
                    gateOpened = gate.await(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] p = pieces.get(i);
            if (p.length == 0) continue;
            out.write((Integer.toHexString(p.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(p);
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
        if (!waitWatching(socket, hangMillis)) return Outcome.ABORTED;
        if (cutConnection) return Outcome.CLOSE;
        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return Outcome.DONE;
    }

    /** Waits, watching the connection; false if the gateway closed it meanwhile. */
    private static boolean waitWatching(Socket socket, long millis) throws IOException {
        if (millis <= 0) return true;
        InputStream in = socket.getInputStream();
        long end = System.nanoTime() + millis * 1_000_000;
        try {
            while (true) {
                long left = (end - System.nanoTime()) / 1_000_000;
                if (left <= 0) return true;
                socket.setSoTimeout((int) Math.max(1, left));
                try {
                    if (in.read() < 0) return false;
                } catch (SocketTimeoutException e) {
                    // still open
                }
            }
        } catch (java.net.SocketException e) {
            return false;
        } finally {
            socket.setSoTimeout(0);
        }
    }

    private String reason() {
        return switch (status) {
            case 200 -> "OK";
            case 403 -> "Forbidden";
            case 413 -> "Payload Too Large";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }

    private byte[] joined() {
        int n = pieces.stream().mapToInt(p -> p.length).sum();
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : pieces) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
