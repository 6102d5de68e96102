package dev.e2bgateway.upstream;

import dev.e2bgateway.core.ClientGoneException;
import dev.e2bgateway.core.RequestContext;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.upstream.UpstreamException.Kind;
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
 * The E2B Fragments chat endpoint (shared/docs/e2b-upstream.md). Sends a request, classifies
 * every non-200 answer into an {@link UpstreamException}, and hands back the 200 body to be
 * read as it streams. Knows nothing about our own clients.
 */
public final class FragmentsClient {

    private static final MediaType JSON = MediaType.get("application/json");
    private static final String USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private static final int ERROR_TEXT_LIMIT = 300;

    private final OkHttpClient http;
    private final HttpUrl chatUrl;
    private final String origin;
    private final Duration idleTimeout;

    /**
     * @param http        shared client; its read timeout is the wait for the response headers
     * @param idleTimeout the longest gap allowed between two reads of the body
     */
    public FragmentsClient(OkHttpClient http, URI baseUrl, Duration idleTimeout) {
        this.http = http;
        this.chatUrl = HttpUrl.get(baseUrl.toString()).newBuilder().addPathSegments("api/chat").build();
        this.origin = chatUrl.scheme() + "://" + chatUrl.host()
                + (chatUrl.port() == HttpUrl.defaultPort(chatUrl.scheme()) ? "" : ":" + chatUrl.port());
        this.idleTimeout = idleTimeout;
    }

    /** POST /api/chat: returns the reply once the upstream answered 200; cancelling {@code ctx} cancels the call. */
    public Reply chat(byte[] body, RequestContext ctx) throws UpstreamException, IOException {
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
        ctx.onCancel(call::cancel);
        Response response;
        try {
            response = call.execute();
        } catch (IOException e) {
            if (ctx.cancelled()) throw ctx.cancellation(e);
            throw connectFailure(e);
        }
        if (response.code() != 200) {
            try (response) {
                throw classify(response);
            }
        }
        String contentType = response.header("content-type", "");
        if (contentType.toLowerCase(Locale.ROOT).startsWith("text/html")) {
            try (response) {
                throw new UpstreamException(Kind.EDGE_PAGE,
                        ApiError.badGateway("The upstream answered 200 with an HTML page instead of a reply"
                                + " (a bot-protection or edge page)."), false);
            }
        }
        BufferedSource source = response.body().source();
        // From here on the read timeout is the idle gap between two reads, not a total:
        // long answers take minutes and must not be cut.
        source.timeout().timeout(idleTimeout.toMillis(), TimeUnit.MILLISECONDS);
        return new Reply(response, source, call, ctx, idleTimeout);
    }

    /** The 200 body of a chat call, read as it arrives. */
    public static final class Reply implements Closeable {
        private final Response response;
        private final BufferedSource source;
        private final Call call;
        private final RequestContext ctx;
        private final Duration idleTimeout;

        private Reply(Response response, BufferedSource source, Call call, RequestContext ctx, Duration idleTimeout) {
            this.response = response;
            this.source = source;
            this.call = call;
            this.ctx = ctx;
            this.idleTimeout = idleTimeout;
        }

        /** Reads what has arrived (blocking until something has); -1 at the end of the body. */
        public int read(byte[] buffer) throws UpstreamException, IOException {
            try {
                return source.read(buffer);
            } catch (InterruptedIOException e) {
                if (ctx.cancelled()) throw ctx.cancellation(e);
                throw new UpstreamException(Kind.IDLE_TIMEOUT, ApiError.gatewayTimeout(
                        "The upstream sent nothing for " + idleTimeout.toSeconds() + " s (E2B_IDLE_TIMEOUT_MS)."), false);
            } catch (IOException e) {
                if (ctx.cancelled()) throw ctx.cancellation(e);
                throw new UpstreamException(Kind.READ_ERROR, ApiError.badGateway(
                        "The upstream connection failed in the middle of the reply: " + describe(e)), false);
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

    private static UpstreamException connectFailure(IOException e) {
        boolean timeout = e instanceof InterruptedIOException && !String.valueOf(e.getMessage()).contains("connect");
        if (timeout) {
            return new UpstreamException(Kind.FIRST_BYTE_TIMEOUT, ApiError.gatewayTimeout(
                    "The upstream did not answer in time (E2B_FIRST_BYTE_TIMEOUT_MS)."), true);
        }
        return new UpstreamException(Kind.CONNECT,
                ApiError.badGateway("Cannot reach the upstream: " + describe(e)), true);
    }

    /** The failures table of the contract: status and body decide what the client is told. */
    static UpstreamException classify(Response response) {
        int status = response.code();
        String text = bodyText(response);
        String contentType = response.header("content-type", "").toLowerCase(Locale.ROOT);
        boolean html = contentType.startsWith("text/html") || text.startsWith("<");
        String quoted = text.isEmpty() || html ? "" : ": " + shorten(text);
        return switch (status) {
            case 429 -> {
                String reset = response.header("x-ratelimit-reset");
                if (reset != null || text.contains("for the day")) {
                    yield new UpstreamException(Kind.RATE_LIMIT_DAILY, ApiError.dailyRateLimit(
                            text.isEmpty() ? "The upstream's daily request limit is reached." : shorten(text),
                            retryAfterSeconds(reset)), false);
                }
                yield new UpstreamException(Kind.RATE_LIMIT_PROVIDER, ApiError.providerRateLimit(
                        text.isEmpty() ? "The model provider's rate limit is reached." : shorten(text)), false);
            }
            case 503, 529 -> new UpstreamException(Kind.OVERLOADED,
                    ApiError.overloaded("The upstream is overloaded (HTTP " + status + ")" + quoted), true);
            case 413 -> new UpstreamException(Kind.TOO_LARGE, ApiError.upstreamTooLarge(), false);
            default -> {
                if (html) {
                    yield new UpstreamException(Kind.EDGE_PAGE, ApiError.badGateway("The upstream answered HTTP " + status
                            + " with an HTML page (bot protection or edge trouble), not a reply."), status == 502 || status >= 520);
                }
                if (status == 403) {
                    yield new UpstreamException(Kind.KEY_REJECTED, ApiError.badGateway(
                            "The model provider rejected the upstream's API key (HTTP 403)" + quoted), false);
                }
                if (status == 500 && text.isEmpty()) {
                    yield new UpstreamException(Kind.REJECTED_REQUEST, ApiError.badGateway(
                            "The upstream failed with an empty HTTP 500, its answer to a request it cannot parse"
                                    + " (unknown model or provider)."), false);
                }
                if (status == 500) {
                    yield new UpstreamException(Kind.PROVIDER_ERROR, ApiError.badGateway(
                            "The upstream reported a provider error (HTTP 500)" + quoted), false);
                }
                yield new UpstreamException(Kind.BAD_STATUS,
                        ApiError.badGateway("The upstream answered HTTP " + status + quoted), status == 502 || status >= 520);
            }
        };
    }

    /** X-RateLimit-Reset is Unix time in milliseconds; Retry-After wants seconds from now. */
    static Long retryAfterSeconds(String resetMillis) {
        if (resetMillis == null) return null;
        try {
            long millis = Long.parseLong(resetMillis.trim()) - System.currentTimeMillis();
            return Math.max(1, (millis + 999) / 1000);
        } catch (NumberFormatException e) {
            return null;
        }
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
