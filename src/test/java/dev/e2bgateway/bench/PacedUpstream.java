package dev.e2bgateway.bench;

import dev.e2bgateway.support.Http1;
import dev.e2bgateway.support.LoopbackServer;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's fake Fragments upstream: streams a fragment object in pieces at a set pace,
 * and records, per request, when it received it, when the piece holding the first character of
 * {@code code} was flushed, and when it finished. The user message carries the instructions:
 * {@code bench:<id>:<pieces>:<pauseMillis>}, or {@code bench:fast} for one immediate piece;
 * {@code benchtools:...} the same with a tool call after the text (docs/tool-calls.md),
 * for which it also records when the piece that closes the call was flushed.
 */
final class PacedUpstream extends LoopbackServer {

    private static final Pattern DIRECTIVE = Pattern.compile("bench(tools)?:(\\d+):(\\d+):(\\d+)");

    /** @param callEndNanos when the piece holding the call's {@code </invoke>} was flushed, or -1 */
    record Timing(long receivedNanos, long codeStartNanos, long endNanos, long callEndNanos) {}

    private final Map<Integer, Timing> timings = new ConcurrentHashMap<>();
    private final byte[] fastResponse;

    PacedUpstream() {
        super("paced-upstream", 4096);
        byte[] body = fragment(0).getBytes(StandardCharsets.UTF_8);
        fastResponse = concat(("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), body);
        start();
    }

    /** Runs the fake upstream on its own (for profiling a gateway by hand): prints its port, serves until killed. */
    public static void main(String[] args) throws InterruptedException {
        PacedUpstream upstream = new PacedUpstream();
        System.out.println(upstream.port());
        Thread.currentThread().join();
    }

    Timing timing(int id) {
        return timings.get(id);
    }

    /**
     * The timing of request {@code id}, waiting for it: the upstream records it after its last
     * chunk, and the client may have read the whole stream through the gateway a moment earlier.
     */
    Timing awaitTiming(int id) throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        Timing t;
        while ((t = timings.get(id)) == null && System.nanoTime() < deadline) Thread.sleep(1);
        if (t == null) throw new IllegalStateException("the upstream has no timing for request " + id);
        return t;
    }

    /** The reply the upstream gives for request {@code id}: mixed scripts, escapes, an emoji. */
    static String reply(int id) {
        StringBuilder s = new StringBuilder("Reply ").append(id).append(": ");
        for (int i = 0; i < 40; i++) s.append("word").append(i).append(i % 7 == 0 ? " 你好 😀\n" : " \"q\" ");
        return s.toString();
    }

    /** The tool call a {@code benchtools} reply makes after its text: the text again as a string value, the id as a number. */
    static String call(int id) {
        return "\n<tool_calls>\n<invoke name=\"save_note\">\n<parameter name=\"text\">" + reply(id)
                + "</parameter>\n<parameter name=\"n\">" + id + "</parameter>\n</invoke>\n</tool_calls>";
    }

    static String fragment(int id) {
        return fragment(reply(id));
    }

    static String fragment(String code) {
        return "{\"commentary\": \"Benchmark reply.\", \"template\": \"chat\", \"title\": \"Bench\", \"description\": \"d\", "
                + "\"additional_dependencies\": [], \"has_additional_dependencies\": false, \"install_dependencies_command\": \"\", "
                + "\"port\": null, \"file_path\": \"reply.md\", \"code\": " + jsonString(code) + "}";
    }

    @Override
    protected void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 65536); // the head is read a byte at a time
            OutputStream out = socket.getOutputStream();
            while (true) {
                String head = Http1.readHead(in);
                if (head == null) return;
                long received = System.nanoTime();
                String body = Http1.readBody(in, head);
                Matcher m = DIRECTIVE.matcher(body);
                if (!m.find()) {
                    out.write(fastResponse);
                    out.flush();
                    continue;
                }
                stream(out, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), Long.parseLong(m.group(4)), received,
                        m.group(1) != null);
            }
        } catch (IOException | InterruptedException e) {
            // the client went away
        }
    }

    private void stream(OutputStream out, int id, int pieces, long pauseMillis, long received, boolean toolCall)
            throws IOException, InterruptedException {
        String fragment = toolCall ? fragment(reply(id) + call(id)) : fragment(id);
        byte[] bytes = fragment.getBytes(StandardCharsets.UTF_8);
        int codeStart = fragment.substring(0, fragment.indexOf("\"code\": \"") + 9).getBytes(StandardCharsets.UTF_8).length;
        int callEnd = toolCall ? fragment.substring(0, fragment.indexOf("</invoke>") + 9).getBytes(StandardCharsets.UTF_8).length : -1;
        long callEndNanos = -1;
        out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        long codeStartNanos = -1;
        int size = (bytes.length + pieces - 1) / pieces;
        for (int at = 0, i = 0; at < bytes.length; at += size, i++) {
            if (i > 0) Thread.sleep(pauseMillis);
            int n = Math.min(size, bytes.length - at);
            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes, at, n);
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            if (codeStartNanos < 0 && at + n > codeStart) codeStartNanos = System.nanoTime();
            if (callEnd > 0 && callEndNanos < 0 && at + n >= callEnd) callEndNanos = System.nanoTime();
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        timings.put(id, new Timing(received, codeStartNanos, System.nanoTime(), callEndNanos));
    }


    private static String jsonString(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
