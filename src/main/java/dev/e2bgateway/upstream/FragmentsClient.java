package dev.e2bgateway.upstream;

import dev.e2bgateway.upstream.UpstreamFailure.Kind;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The E2B Fragments chat endpoint (docs/upstream.md). Sends a request, classifies
 * every answer that is not a usable 200 into an {@link UpstreamFailure}, and hands back the 200
 * body to be read as it streams. Knows nothing about the gateway's own clients.
 */
public final class FragmentsClient {

    private static final MediaType JSON = MediaType.get("application/json");
    static final String USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private static final int ERROR_TEXT_LIMIT = 300;

    private final Call.Factory http;
    private final URI baseUrl;
    private final HttpUrl chatUrl;
    private final String origin;
    private final Duration idleTimeout;

    /**
     * @param http        the shared OkHttp client, or something that hands calls to it once it is built;
     *                    its read timeout is the wait for the response headers
     * @param idleTimeout the longest gap allowed between two reads of the body
     */
    public FragmentsClient(Call.Factory http, URI baseUrl, Duration idleTimeout) {
        this.http = http;
        this.baseUrl = baseUrl;
        this.chatUrl = HttpUrl.get(baseUrl.toString()).newBuilder().addPathSegments("api/chat").build();
        this.origin = chatUrl.scheme() + "://" + chatUrl.host()
                + (chatUrl.port() == HttpUrl.defaultPort(chatUrl.scheme()) ? "" : ":" + chatUrl.port());
        this.idleTimeout = idleTimeout;
    }

    /** The deployment this client calls. */
    public URI baseUrl() {
        return baseUrl;
    }

    /** POST /api/chat: returns the reply once the upstream answered 200; cancelling through {@code cancel} stops the call. */
    public Reply chat(byte[] body, CancelHook cancel) throws UpstreamFailure {
        Request request = new Request.Builder()
                .url(chatUrl)
                .post(RequestBody.create(body, JSON))
                // What the public site's own page sends (see the contract).
                .header("accept", "*/*")
                .header("origin", origin)
                .header("referer", origin + "/")
                .header("user-agent", USER_AGENT)
                // Uncompressed: a decompressing reader may hold back bytes of a live stream.
                .header("accept-encoding", "identity")
                .build();
        Call call = http.newCall(request);
        cancel.onCancel(call::cancel);
        Response response;
        try {
            response = call.execute();
        } catch (IOException e) {
            if (cancel.cancelled()) throw cancelled(e);
            throw connectFailure(e);
        }
        if (response.code() != 200) {
            try (response) {
                throw classify(response, System.currentTimeMillis());
            }
        }
        String contentType = response.header("content-type", "");
        if (contentType.toLowerCase(Locale.ROOT).startsWith("text/html")) {
            try (response) {
                throw new UpstreamFailure(Kind.EDGE_PAGE, 200, "an HTML page instead of a reply", false, null);
            }
        }
        BufferedSource source = response.body().source();
        // From here on the read timeout is the idle gap between two reads, not a total:
        // long answers take minutes and must not be cut.
        source.timeout().timeout(idleTimeout.toMillis(), TimeUnit.MILLISECONDS);
        return new Reply(response, source, call, cancel);
    }

    /** The 200 body of a chat call, read as it arrives. */
    public static final class Reply implements Closeable {
        private final Response response;
        private final BufferedSource source;
        private final Call call;
        private final CancelHook cancel;

        private Reply(Response response, BufferedSource source, Call call, CancelHook cancel) {
            this.response = response;
            this.source = source;
            this.call = call;
            this.cancel = cancel;
        }

        /** Reads what has arrived (blocking until something has); -1 at the end of the body. */
        public int read(byte[] buffer) throws UpstreamFailure {
            try {
                return source.read(buffer);
            } catch (InterruptedIOException e) {
                if (cancel.cancelled()) throw cancelled(e);
                throw new UpstreamFailure(Kind.IDLE_TIMEOUT, "nothing arrived for " + source.timeout().timeoutNanos() / 1_000_000 + " ms", false);
            } catch (IOException e) {
                if (cancel.cancelled()) throw cancelled(e);
                throw new UpstreamFailure(Kind.READ_ERROR, describe(e), false);
            }
        }

        /** Stops the upstream call (the reply is no longer needed) and releases the connection. */
        public void cancel() {
            call.cancel();
            response.close();
        }

        @Override
        public void close() {
            response.close();
        }
    }

    private static UpstreamFailure cancelled(IOException e) {
        return new UpstreamFailure(Kind.CANCELLED, String.valueOf(e.getMessage()), false);
    }

    private static UpstreamFailure connectFailure(IOException e) {
        boolean timeout = e instanceof InterruptedIOException && !String.valueOf(e.getMessage()).contains("connect");
        if (timeout) return new UpstreamFailure(Kind.FIRST_BYTE_TIMEOUT, "no response headers in time", true);
        return new UpstreamFailure(Kind.CONNECT, describe(e), true);
    }

    /** The failures table of the contract: status, headers and body decide the kind. */
    static UpstreamFailure classify(Response response, long nowMillis) {
        int status = response.code();
        String text = bodyText(response);
        String contentType = response.header("content-type", "").toLowerCase(Locale.ROOT);
        boolean html = contentType.startsWith("text/html") || text.startsWith("<");
        String quoted = html ? "" : shorten(text);
        Long retryAt = retryAtMillis(response, nowMillis);
        // An HTML page is an edge's or a WAF's, whatever its status: never quote it as the provider's words.
        if (html) return new UpstreamFailure(Kind.EDGE_PAGE, status, "", status == 502 || status >= 520, retryAt);
        return switch (status) {
            case 429 -> {
                if (response.header("x-ratelimit-reset") != null || text.contains("for the day")) {
                    yield new UpstreamFailure(Kind.RATE_LIMIT_DAILY, status, quoted, false, retryAt);
                }
                yield new UpstreamFailure(Kind.RATE_LIMIT_PROVIDER, status, quoted, false, retryAt);
            }
            case 503, 529 -> new UpstreamFailure(Kind.OVERLOADED, status, quoted, true, retryAt);
            case 413 -> new UpstreamFailure(Kind.TOO_LARGE, status, quoted, false, null);
            default -> {
                boolean edge = status == 502 || status >= 520;
                if (status == 403) yield new UpstreamFailure(Kind.KEY_REJECTED, status, quoted, false, null);
                if (status == 500 && text.isEmpty()) yield new UpstreamFailure(Kind.REJECTED_REQUEST, status, "", false, null);
                if (status == 500) yield new UpstreamFailure(Kind.PROVIDER_ERROR, status, quoted, false, null);
                yield new UpstreamFailure(Kind.BAD_STATUS, status, quoted, edge, retryAt);
            }
        };
    }

    /**
     * When the upstream takes requests again, as Unix milliseconds: its {@code X-RateLimit-Reset}
     * (already Unix ms, per the contract) or a standard {@code Retry-After} in seconds.
     */
    static Long retryAtMillis(Response response, long nowMillis) {
        String reset = response.header("x-ratelimit-reset");
        String retryAfter = response.header("retry-after");
        try {
            if (reset != null) return Long.parseLong(reset.trim());
            if (retryAfter != null) return nowMillis + Long.parseLong(retryAfter.trim()) * 1000;
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }

    private static String bodyText(Response response) {
        try {
            BufferedSource source = response.body().source();
            source.request(4096);
            long n = Math.min(4096, source.getBuffer().size());
            return source.getBuffer().readString(n, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static String shorten(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() <= ERROR_TEXT_LIMIT ? oneLine : oneLine.substring(0, ERROR_TEXT_LIMIT) + "...";
    }

    private static String describe(IOException e) {
        String name = e instanceof java.net.UnknownHostException ? "unknown host"
                : e instanceof java.net.ConnectException ? "connection refused"
                : e instanceof javax.net.ssl.SSLException ? "TLS failure"
                : "I/O error";
        return e.getMessage() == null ? name : name + " (" + e.getMessage() + ")";
    }
}
