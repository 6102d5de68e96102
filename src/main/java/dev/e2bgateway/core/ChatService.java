package dev.e2bgateway.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.upstream.FragmentException;
import dev.e2bgateway.upstream.FragmentReader;
import dev.e2bgateway.upstream.FragmentsClient;
import dev.e2bgateway.upstream.FragmentsRequest;
import dev.e2bgateway.upstream.UpstreamFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * The one pipeline behind every front door: builds the upstream request, calls the upstream
 * (retrying what a second try can fix), reads the reply as it streams, applies stop
 * sequences and the token limit, and hands text to a {@link ReplySink} the moment it is known.
 */
public final class ChatService {

    private static final Logger log = LoggerFactory.getLogger(ChatService.class);

    private final FragmentsClient upstream;
    private final FragmentsRequest encoder;
    private final UpstreamRequests requests;
    private final TokenCounter tokens;
    private final UpstreamEvents events;
    private final UpstreamErrors errors;
    private final RetryPolicy retry;
    private final ObjectMapper mapper;

    public ChatService(FragmentsClient upstream, FragmentsRequest encoder, UpstreamRequests requests, TokenCounter tokens,
                       UpstreamEvents events, UpstreamErrors errors, RetryPolicy retry, ObjectMapper mapper) {
        this.mapper = mapper;
        this.upstream = upstream;
        this.encoder = encoder;
        this.requests = requests;
        this.tokens = tokens;
        this.events = events;
        this.errors = errors;
        this.retry = retry;
    }

    public TokenCounter tokens() {
        return tokens;
    }

    /**
     * Runs one chat into {@code sink}.
     *
     * @throws ApiError            when the upstream fails; the caller knows whether its client has
     *                             seen bytes yet, and so whether this can still be an HTTP status
     * @throws ClientGoneException when the chat was cancelled because the client hung up
     * @throws IOException         when the sink could not write to the client
     */
    public void complete(ChatRequest request, ChatTrace trace, Cancellation cancellation, ReplySink sink) throws IOException {
        byte[] body = encoder.encode(requests.of(request));
        byte[] buffer = new byte[8192];
        FragmentReader reader = new FragmentReader();
        ReplyLimiter limiter = new ReplyLimiter(request.stop(), request.maxTokens(), tokens.encodingFor(request.model()));
        ReplyPipeline pipeline = new ReplyPipeline(request, sink, trace, limiter, events, mapper);
        Opened opened = open(body, buffer, trace, cancellation);
        FragmentsClient.Reply reply = opened.reply();
        try {
            for (int n = opened.firstRead(); n >= 0; n = reply.read(buffer)) {
                pipeline.accept(reader.feed(buffer, 0, n));
                if (pipeline.done()) {
                    reply.cancel(); // the client has what it asked for: stop the model
                    break;
                }
            }
            if (!pipeline.done()) pipeline.accept(reader.finish());
            trace.upstreamDone();
            events.completed(request.model().id(), trace.upstreamNanos(), trace.firstTokenNanos());
            pipeline.end();
            Finish.Usage usage = sink.wantsUsage()
                    ? new Finish.Usage(tokens.promptTokens(request), limiter.emittedTokens() + callTokens(request, pipeline)) : null;
            sink.finish(new Finish(pipeline.reason(), limiter.matchedStop(), usage));
        } catch (FragmentException e) {
            throw failed(new UpstreamFailure(kindOf(e), e.getMessage(), false), trace, cancellation);
        } catch (UpstreamFailure e) {
            throw failed(e, trace, cancellation);
        } finally {
            reply.close();
        }
    }

    private int callTokens(ChatRequest request, ReplyPipeline pipeline) {
        String calls = pipeline.callText();
        return calls.isEmpty() ? 0 : tokens.encodingFor(request.model()).countTokensOrdinary(calls);
    }

    private record Opened(FragmentsClient.Reply reply, int firstRead) {}

    /**
     * Calls the upstream until it answers 200 and its body starts, retrying connection
     * failures, overload answers and silence before the first byte. Nothing has reached the
     * client at this point, so a retry is invisible to it.
     */
    private Opened open(byte[] body, byte[] buffer, ChatTrace trace, Cancellation cancellation) {
        boolean emptyBefore = false;
        for (int attempt = 1; ; attempt++) {
            trace.attempt(attempt);
            try {
                FragmentsClient.Reply reply = upstream.chat(body, cancellation);
                try {
                    return new Opened(reply, firstRead(reply, buffer));
                } catch (UpstreamFailure e) {
                    reply.close();
                    throw e;
                }
            } catch (UpstreamFailure e) {
                if (e.kind() == UpstreamFailure.Kind.CANCELLED || cancellation.cancelled()) throw cancellation.outcome();
                // Every attempt spends one of the host's daily requests: an empty 200 gets one more try, not more.
                boolean again = e.retryable() && attempt < retry.maxAttempts()
                        && !(emptyBefore && e.kind() == UpstreamFailure.Kind.EMPTY);
                emptyBefore |= e.kind() == UpstreamFailure.Kind.EMPTY;
                if (!again) throw failed(e, trace, cancellation);
                events.failure(e.kind());
                long delay = retry.backoff().delayMillis(attempt, e.retryAtMillis());
                log.info("{} upstream attempt {}/{} failed ({}), retrying in {} ms",
                        trace.requestId(), attempt, retry.maxAttempts(), e.kind().label, delay);
                events.retry();
                if (!retry.sleeper().sleep(delay, cancellation)) throw cancellation.outcome();
            }
        }
    }

    /** The first read of the body: silence or an empty body here is still worth a retry. */
    private static int firstRead(FragmentsClient.Reply reply, byte[] buffer) throws UpstreamFailure {
        int n;
        try {
            n = reply.read(buffer);
        } catch (UpstreamFailure e) {
            throw e.kind() == UpstreamFailure.Kind.CANCELLED ? e : e.retryable(true);
        }
        if (n < 0) throw new UpstreamFailure(UpstreamFailure.Kind.EMPTY, "the upstream answered 200 with an empty body", true);
        return n;
    }

    /** Counts and logs a failure that ends the chat, and returns what to throw. */
    private RuntimeException failed(UpstreamFailure e, ChatTrace trace, Cancellation cancellation) {
        if (e.kind() == UpstreamFailure.Kind.CANCELLED || cancellation.cancelled()) return cancellation.outcome();
        events.failure(e.kind());
        log.debug("{} upstream failed after {} attempt(s): {}", trace.requestId(), trace.attempts(), e.getMessage());
        return errors.toClient(e);
    }

    private static UpstreamFailure.Kind kindOf(FragmentException e) {
        return switch (e.kind()) {
            case NOT_JSON -> UpstreamFailure.Kind.NOT_JSON;
            case MALFORMED -> UpstreamFailure.Kind.MALFORMED;
            case CUT -> UpstreamFailure.Kind.CUT;
            case EMPTY -> UpstreamFailure.Kind.EMPTY;
        };
    }

}
