package dev.e2bgateway.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake E2B Fragments {@code POST /api/chat} on loopback that streams like the real one: a
 * chunked text/plain body written piece by piece and flushed, with pauses, cut wherever a test
 * wants. It speaks HTTP/1.1 over a plain socket so it can also misbehave exactly: drop a
 * connection, stop mid-body, go silent. It records every request and notices when the gateway
 * abandons a reply (its side of the connection closes while the fake is still sending or waiting).
 */
public final class FakeFragments extends LoopbackServer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BlockingQueue<Script> scripts = new LinkedBlockingQueue<>();
    private final BlockingQueue<Recorded> requests = new LinkedBlockingQueue<>();
    private final Semaphore aborts = new Semaphore(0);
    private final AtomicInteger aborted = new AtomicInteger();
    private volatile Script fallback = Script.reply("Hello from the fake upstream.");
    private final BlockingQueue<Script> sandboxScripts = new LinkedBlockingQueue<>();
    private final BlockingQueue<Recorded> sandboxRequests = new LinkedBlockingQueue<>();

    /** One request as the fake received it; header names are lower case. */
    public record Recorded(String path, Map<String, String> headers, JsonNode body) {}

    public FakeFragments() {
        super("fake-fragments", 1024);
        start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** The next request gets this script; later ones the next queued script, then the fallback. */
    public FakeFragments enqueue(Script script) {
        scripts.add(script);
        return this;
    }

    /**
     * The next {@code POST /api/sandbox} gets this script (see {@link Cells} for the real route's
     * answers); with none queued, the sandbox answers 500 with an empty body, as the route does
     * when E2B refuses.
     */
    public FakeFragments enqueueSandbox(Script script) {
        sandboxScripts.add(script);
        return this;
    }

    /** The next {@code /api/sandbox} request received, taken off the record; waits up to 10 s. */
    public Recorded takeSandboxRequest() {
        return take(sandboxRequests, "sandbox");
    }

    /** Fails if a sandbox request was received and not taken. */
    public void assertNoSandboxRequest() {
        Recorded r = sandboxRequests.peek();
        if (r != null) throw new AssertionError(sandboxRequests.size() + " unexpected sandbox request(s), the first " + r.body());
    }

    /** What requests get when no script is queued. */
    public FakeFragments fallback(Script script) {
        this.fallback = script;
        return this;
    }

    /**
     * The next request the fake received, in arrival order, taken off the record: each call
     * returns a different request, like MockWebServer's. Waits up to 10 s for one to arrive.
     */
    public Recorded takeRequest() {
        return take(requests, "upstream");
    }

    /** The next request {@code received} holds, waiting up to 10 s; {@code fake} names the endpoint in a failure. */
    private static Recorded take(BlockingQueue<Recorded> received, String fake) {
        try {
            Recorded r = received.poll(10, TimeUnit.SECONDS);
            if (r == null) throw new AssertionError("the fake " + fake + " received no request within 10 s");
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for a request to the fake " + fake, e);
        }
    }

    /**
     * Fails if a request was received and not taken. Call it once the gateway has answered:
     * the fake records a request before it replies, so anything the gateway sent is in already.
     */
    public void assertNoRequest() {
        Recorded r = requests.peek();
        if (r != null) {
            throw new AssertionError(requests.size() + " unexpected request(s) reached the fake upstream, the first "
                    + r.path() + " " + abbreviate(String.valueOf(r.body())));
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    /** Forgets the requests received so far, so a test sees only those it caused. */
    public void clearRequests() {
        requests.clear();
        sandboxRequests.clear();
        sandboxScripts.clear();
    }

    /** Replies the gateway abandoned so far. */
    public int aborted() {
        return aborted.get();
    }

    /** Waits until the gateway abandons one more reply; true if it did in time. */
    public boolean awaitAbort(long millis) throws InterruptedException {
        return aborts.tryAcquire(millis, TimeUnit.MILLISECONDS);
    }

    /** Forgets earlier aborts, so a test can wait for its own. */
    public void resetAborts() {
        aborts.drainPermits();
        aborted.set(0);
    }

    @Override
    protected void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            while (true) {
                String head = Http1.readHead(in);
                if (head == null) return;
                String[] lines = head.split("\r\n");
                String path = lines[0].split(" ")[1];
                Map<String, String> headers = new TreeMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    if (colon > 0) headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
                }
                byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
                JsonNode parsed;
                try {
                    parsed = JSON.readTree(body);
                } catch (IOException e) {
                    parsed = null;
                }
                Script script;
                if (path.startsWith("/api/sandbox")) {
                    sandboxRequests.add(new Recorded(path, headers, parsed));
                    script = sandboxScripts.poll();
                    if (script == null) script = Script.status(500, "");
                } else {
                    requests.add(new Recorded(path, headers, parsed));
                    script = scripts.poll();
                    if (script == null) script = fallback;
                }
                Script.Outcome outcome;
                try {
                    outcome = script.play(socket);
                } catch (IOException e) {
                    outcome = Script.Outcome.ABORTED;
                }
                if (outcome == Script.Outcome.ABORTED) {
                    aborted.incrementAndGet();
                    aborts.release();
                    return;
                }
                if (outcome == Script.Outcome.CLOSE) return;
            }
        } catch (IOException e) {
            // the gateway closed an idle connection
        }
    }

}
