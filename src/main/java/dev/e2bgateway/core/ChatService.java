package dev.e2bgateway.core;

import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.upstream.FragmentException;
import dev.e2bgateway.upstream.FragmentReader;
import dev.e2bgateway.upstream.FragmentsClient;
import dev.e2bgateway.upstream.FragmentsRequest;
import dev.e2bgateway.upstream.UpstreamException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one pipeline behind every front door: builds the upstream request, calls the upstream
 * (retrying what a second try can fix), reads the reply as it streams, applies stop
 * sequences and the token limit, and hands text to a {@link ReplySink} the moment it is known.
 */
public final class ChatService {

    private static final Logger log = LoggerFactory.getLogger(ChatService.class);
    private static final long MAX_BACKOFF_MILLIS = 30_000;

    private final FragmentsClient upstream;
    private final FragmentsRequest requests;
    private final TokenCounter tokens;
    private final UpstreamEvents events;
    private final int maxAttempts;
    private final long retryDelayMillis;

    public ChatService(FragmentsClient upstream, FragmentsRequest requests, TokenCounter tokens,
                       UpstreamEvents events, int maxAttempts, long retryDelayMillis) {
        this.upstream = upstream;
        this.requests = requests;
        this.tokens = tokens;
        this.events = events;
        this.maxAttempts = maxAttempts;
        this.retryDelayMillis = retryDelayMillis;
    }

    public TokenCounter tokens() {
        return tokens;
    }

    /**
     * Runs one chat into {@code sink}.
     *
     * @throws ApiError            when the upstream fails; the caller knows whether its client has
     *                             seen bytes yet, and so whether this can still be an HTTP status
     * @throws ClientGoneException when the client hung up (the upstream call is cancelled)
     */
    public void complete(ChatRequest request, RequestContext ctx, ReplySink sink) throws IOException {
        byte[] body = requests.encode(request);
        byte[] buffer = new byte[8192];
        FragmentReader reader = new FragmentReader();
        ReplyLimiter limiter = new ReplyLimiter(request.stop(), request.maxTokens(), tokens.encodingFor(request.model()));
        Opened opened = open(body, buffer, ctx);
        FragmentsClient.Reply reply = opened.reply();
        try {
            for (int n = opened.firstRead(); n >= 0; n = read(reply, buffer)) {
                deliver(limiter.accept(reader.feed(buffer, 0, n)), ctx, sink);
                if (limiter.finished() != null) {
                    reply.cancel(); // the client has what it asked for: stop the model
                    break;
                }
            }
            if (limiter.finished() == null) {
                String rest = reader.finish();
                deliver(limiter.accept(rest), ctx, sink);
                deliver(limiter.flush(), ctx, sink);
            }
            ctx.upstreamDone();
            events.completed(request.model().id(), ctx.upstreamNanos(), ctx.firstTokenNanos());
            Finish.Reason reason = limiter.finished() != null ? limiter.finished() : Finish.Reason.END;
            Finish.Usage usage = sink.wantsUsage()
                    ? new Finish.Usage(tokens.promptTokens(request), limiter.emittedTokens()) : null;
            sink.finish(new Finish(reason, limiter.matchedStop(), usage));
        } catch (FragmentException e) {
            UpstreamException.Kind kind = e.kind() == FragmentException.Kind.NOT_JSON
                    ? UpstreamException.Kind.NOT_JSON : UpstreamException.Kind.CUT;
            events.failure(kind);
            log.debug("{} upstream reply unusable: {}", ctx.requestId(), e.getMessage());
            throw ApiError.badGateway(sentence(e.getMessage()));
        } catch (UpstreamException e) {
            events.failure(e.kind());
            log.debug("{} upstream failed mid-reply ({}): {}", ctx.requestId(), e.kind().label, e.getMessage());
            throw e.error();
        } finally {
            reply.close();
        }
    }

    private record Opened(FragmentsClient.Reply reply, int firstRead) {}

    /**
     * Calls the upstream until it answers 200 and its body starts, retrying connection
     * failures, overload answers and silence before the first byte. Nothing has reached the
     * client at this point, so a retry is invisible to it.
     */
    private Opened open(byte[] body, byte[] buffer, RequestContext ctx) throws IOException {
        for (int attempt = 1; ; attempt++) {
            ctx.attempt(attempt);
            try {
                FragmentsClient.Reply reply = upstream.chat(body, ctx);
                try {
                    return new Opened(reply, firstRead(reply, buffer));
                } catch (UpstreamException | IOException e) {
                    reply.close();
                    throw e;
                }
            } catch (UpstreamException e) {
                events.failure(e.kind());
                boolean again = e.retryable() && attempt < maxAttempts;
                if (!again) {
                    log.debug("{} upstream attempt {}/{} failed ({}), giving up: {}",
                            ctx.requestId(), attempt, maxAttempts, e.kind().label, e.getMessage());
                    throw e.error();
                }
                long delay = backoff(attempt);
                log.info("{} upstream attempt {}/{} failed ({}), retrying in {} ms",
                        ctx.requestId(), attempt, maxAttempts, e.kind().label, delay);
                events.retry();
                if (!ctx.sleep(delay)) throw ctx.cancellation(null);
            }
        }
    }

    /** The first read of the body: silence or an empty body here is still worth a retry. */
    private static int firstRead(FragmentsClient.Reply reply, byte[] buffer) throws UpstreamException, IOException {
        int n;
        try {
            n = reply.read(buffer);
        } catch (UpstreamException e) {
            throw new UpstreamException(e.kind(), e.error(), true);
        }
        if (n < 0) {
            throw new UpstreamException(UpstreamException.Kind.CUT,
                    ApiError.badGateway("The upstream answered 200 with an empty body."), true);
        }
        return n;
    }

    private static int read(FragmentsClient.Reply reply, byte[] buffer) throws UpstreamException, IOException {
        return reply.read(buffer);
    }

    private static void deliver(String text, RequestContext ctx, ReplySink sink) throws IOException {
        if (text.isEmpty()) return;
        ctx.firstToken();
        sink.text(text);
    }

    /** Exponential backoff with jitter: base, 2x base, 4x base ..., each scaled by 0.5 to 1.5. */
    private long backoff(int attempt) {
        long exp = retryDelayMillis << Math.min(attempt - 1, 16);
        double jitter = 0.5 + ThreadLocalRandom.current().nextDouble();
        return Math.min(MAX_BACKOFF_MILLIS, (long) (exp * jitter));
    }

    private static String sentence(String message) {
        return Character.toUpperCase(message.charAt(0)) + message.substring(1) + ".";
    }
}
