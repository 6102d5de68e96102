package dev.e2bgateway.bench;

import dev.e2bgateway.support.Http1;
import dev.e2bgateway.support.LoopbackServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak's fake Fragments upstream. The user message says what to do with each request:
 * {@code soak:<id>:<mode>:<pieces>:<pauseMillis>}, the mode one of
 * <ul>
 *   <li>{@code ok}: the fragment holding {@link #reply(int, boolean)} in {@code pieces} chunks, {@code pauseMillis} apart;</li>
 *   <li>{@code big}: the same with a reply of about 200 KB (for clients that read slowly);</li>
 *   <li>{@code cut}: the first part of that body, well into {@code code}, then the connection closed mid-body;</li>
 *   <li>{@code r429}: a provider's 429 (no X-RateLimit-Reset: not the daily limit, never retried);</li>
 *   <li>{@code o503}: 503 overloaded on the first attempt, then {@code ok} (the gateway retries it);</li>
 *   <li>{@code py<kind>}: a reply calling {@code pieces} cells of that kind ({@link SoakCells}), then, once their
 *   results come, {@code ok}'s reply; {@code POST /api/sandbox} answers each cell.</li>
 * </ul>
 * It counts requests per id and records the ids whose reply the gateway abandoned (its side of the
 * connection closed while this was still writing), so the soak can check cancellations reach it.
 */
final class SoakUpstream extends LoopbackServer {

    private static final Pattern DIRECTIVE = Pattern.compile("soak:(\\d+):(\\w+):(\\d+):(\\d+)");
    private static final Pattern CELL = Pattern.compile("soakcell:(\\d+):(\\w+)");

    private final Map<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final Set<Integer> abandoned = ConcurrentHashMap.newKeySet();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong sandboxRuns = new AtomicLong();

    SoakUpstream() {
        super("soak-upstream", 4096);
        start();
    }

    /** The reply of request {@code id}: mixed scripts, escapes, emoji; {@code big}: about 200 KB of it. */
    static String reply(int id, boolean big) {
        String one = PacedUpstream.reply(id);
        return big ? (one + "\n").repeat(200_000 / one.length() + 1) : one;
    }

    long requests() {
        return requests.get();
    }

    int attempts(int id) {
        AtomicInteger n = attempts.get(id);
        return n == null ? 0 : n.get();
    }

    boolean abandoned(int id) {
        return abandoned.contains(id);
    }

    @Override
    protected void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                String head = Http1.readHead(in);
                if (head == null) return;
                String body = Http1.readBody(in, head);
                requests.incrementAndGet();
                if (head.startsWith("POST /api/sandbox")) {
                    if (!sandbox(out, body)) return;
                    continue;
                }
                Matcher m = DIRECTIVE.matcher(body);
                if (!m.find()) {
                    status(out, 400, "no soak directive");
                    continue;
                }
                int id = Integer.parseInt(m.group(1));
                int attempt = attempts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                String mode = m.group(2);
                int pieces = Integer.parseInt(m.group(3));
                long pause = Long.parseLong(m.group(4));
                switch (mode) {
                    case "r429" -> status(out, 429, "{\"error\":\"Rate limit reached for requests\"}");
                    case "o503" -> {
                        if (attempt == 1) status(out, 503, "The model is overloaded. Please try again later.");
                        else if (!stream(out, id, reply(id, false), pieces, pause, false)) return;
                    }
                    case "cut" -> {
                        stream(out, id, reply(id, false), pieces, pause, true);
                        return; // the connection closes mid-body
                    }
                    case "pyok", "pybig", "pyerror", "pyslow", "pymany" -> {
                        // The first round calls cells (pieces: how many); the second, which carries those calls back, answers.
                        String text = body.contains("soakcell:") ? reply(id, false) : SoakCells.calls(id, mode.substring(2), pieces);
                        if (!stream(out, id, text, 4, pause, false)) return;
                    }
                    default -> {
                        if (!stream(out, id, reply(id, mode.equals("big")), pieces, pause, false)) return;
                    }
                }
            }
        } catch (IOException e) {
            // the gateway closed an idle connection
        }
    }

    /** One cell for {@code /api/sandbox} (SoakCells); false when the gateway went away first. */
    private boolean sandbox(OutputStream out, String body) throws IOException {
        Matcher m = CELL.matcher(body);
        if (!m.find()) {
            status(out, 400, "no soak cell");
            return true;
        }
        int id = Integer.parseInt(m.group(1));
        String kind = m.group(2);
        sandboxRuns.incrementAndGet();
        try {
            if (kind.equals("slow")) Thread.sleep(SoakCells.SLOW_MILLIS);
            byte[][] parts = SoakCells.answer(id, kind);
            long length = 0;
            for (byte[] p : parts) length += p.length;
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: " + length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            for (byte[] p : parts) out.write(p);
            out.flush();
            return true;
        } catch (IOException e) {
            abandoned.add(id); // a timed-out cell: the gateway closed the connection
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    long sandboxRuns() {
        return sandboxRuns.get();
    }

    private static void status(OutputStream out, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + " Soak\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length
                + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    /** Streams the fragment in pieces; false when the gateway went away first (recorded as abandoned). */
    private boolean stream(OutputStream out, int id, String text, int pieces, long pause, boolean cut) throws IOException {
        String fragment = PacedUpstream.fragment(text);
        byte[] bytes = fragment.getBytes(StandardCharsets.UTF_8);
        // A cut comes well into the code, so a streaming client has had text before it.
        int end = cut ? fragment.substring(0, fragment.indexOf("\"code\": \"") + 60).getBytes(StandardCharsets.UTF_8).length : bytes.length;
        try {
            out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            int size = (bytes.length + pieces - 1) / pieces;
            for (int at = 0, i = 0; at < end; at += size, i++) {
                if (i > 0 && pause > 0) Thread.sleep(pause);
                int n = Math.min(size, end - at);
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(bytes, at, n);
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            if (cut) return false;
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return true;
        } catch (IOException e) {
            abandoned.add(id);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
