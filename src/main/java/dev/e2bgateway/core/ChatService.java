package dev.e2bgateway.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.error.LogSafe;
import dev.e2bgateway.upstream.FragmentException;
import dev.e2bgateway.upstream.FragmentReader;
import dev.e2bgateway.upstream.FragmentsClient;
import dev.e2bgateway.upstream.FragmentsRequest;
import dev.e2bgateway.upstream.UpstreamFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The one pipeline behind every front door: builds the upstream request, calls the upstream
 * (retrying what a second try can fix), reads the reply as it streams, applies stop
 * sequences and the token limit, and hands text to a {@link ReplySink} the moment it is known.
 */
public final class ChatService {

    private static final Logger log = LoggerFactory.getLogger(ChatService.class);

    /** The routes of the moment; each chat reads them once and keeps them to its end, a reload notwithstanding. */
    private final Supplier<RouteTable> routes;
    private final FragmentsRequest encoder;
    private final UpstreamRequests requests;
    private final TokenCounter tokens;
    private final UpstreamEvents events;
    private final UpstreamErrors errors;
    private final RetryPolicy retry;
    private final ObjectMapper mapper;

    public ChatService(Supplier<RouteTable> routes, FragmentsRequest encoder, UpstreamRequests requests, TokenCounter tokens,
                       UpstreamEvents events, UpstreamErrors errors, RetryPolicy retry, ObjectMapper mapper) {
        this.mapper = mapper;
        this.routes = routes;
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
        byte[] buffer = new byte[8192];
        FragmentReader reader = new FragmentReader();
        ReplyLimiter limiter = new ReplyLimiter(request.stop(), request.maxTokens(), tokens.tokenizerFor(request.model()));
        ReplyPipeline pipeline = new ReplyPipeline(request, sink, trace, limiter, events, mapper);
        String system = requests.systemPrompt(request); // rendered once: the body of every attempt and the usage read it
        Opened opened = open(request, system, routes.get(), buffer, trace, cancellation);
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
                    ? new Finish.Usage(tokens.promptTokens(request, system), limiter.emittedTokens() + callTokens(request, pipeline)) : null;
            sink.finish(new Finish(pipeline.reason(), limiter.matchedStop(), usage));
            trace.end(ChatTrace.Outcome.OK);
        } catch (FragmentException e) {
            throw failed(new UpstreamFailure(kindOf(e), e.getMessage(), false), trace, cancellation, true);
        } catch (UpstreamFailure e) {
            throw failed(e, trace, cancellation, true);
        } finally {
            reply.close();
        }
    }

    private int callTokens(ChatRequest request, ReplyPipeline pipeline) {
        String calls = pipeline.callText();
        return calls.isEmpty() ? 0 : tokens.tokenizerFor(request.model()).count(calls);
    }

    private record Opened(FragmentsClient.Reply reply, int firstRead) {}

    /**
     * Calls the upstream until it answers 200 and its body starts, retrying connection
     * failures, overload answers and silence before the first byte, on another route when there
     * is one. A route that met the host's daily limit is left at once for the next (it costs no
     * attempt and no wait); a provider's own limit moves on only to a route with another key for
     * that provider. Nothing has reached the client at this point, so all this is invisible to it.
     */
    private Opened open(ChatRequest request, String system, RouteTable routes, byte[] buffer, ChatTrace trace, Cancellation cancellation) {
        boolean emptyBefore = false;
        Set<Route> excluded = new HashSet<>();
        String provider = request.model().providerId();
        int attempt = 0;
        while (true) {
            Route route = routes.pick(excluded);
            attempt++;
            trace.attempt(trace.attempts() + 1);
            trace.route(route.name());
            events.routeChosen(route.name());
            boolean told = false; // whether the route table heard how this attempt went
            try {
                FragmentsClient.Reply reply = route.client().chat(encoder.encode(requests.of(request, system, route.providerKeys())), cancellation);
                try {
                    Opened opened = new Opened(reply, firstRead(reply, buffer));
                    routes.succeeded(route);
                    told = true;
                    return opened;
                } catch (UpstreamFailure e) {
                    reply.close();
                    throw e;
                }
            } catch (UpstreamFailure e) {
                if (e.kind() == UpstreamFailure.Kind.CANCELLED || cancellation.cancelled()) throw cancellation.outcome();
                routes.failed(route, e);
                told = true;
                boolean several = routes.size() > 1;
                if (several && e.kind() == UpstreamFailure.Kind.RATE_LIMIT_DAILY) {
                    events.failure(e.kind());
                    log.info("{} route {} reached the host's daily limit; moving on", trace.requestId(), route.name());
                    excluded.add(route);
                    attempt--; // a route that turned us away costs no attempt
                    continue;
                }
                if (several && e.kind() == UpstreamFailure.Kind.RATE_LIMIT_PROVIDER && otherKey(routes, route, provider, excluded)) {
                    events.failure(e.kind());
                    log.info("{} the provider's limit on route {}'s key; moving to a route with another key", trace.requestId(), route.name());
                    excluded.addAll(sameKey(routes, route, provider));
                    continue;
                }
                // Every attempt spends one of the host's daily requests: an empty 200 gets one more try, not more.
                boolean again = e.retryable() && attempt < retry.maxAttempts()
                        && !(emptyBefore && e.kind() == UpstreamFailure.Kind.EMPTY);
                emptyBefore |= e.kind() == UpstreamFailure.Kind.EMPTY;
                if (!again) throw failed(e, trace, cancellation, false);
                events.failure(e.kind());
                events.retry();
                if (several && excluded.size() + 1 < routes.size()) {
                    excluded.add(route); // fail over at once to another route
                    log.info("{} upstream attempt {}/{} on route {} failed ({}), failing over",
                            trace.requestId(), attempt, retry.maxAttempts(), route.name(), e.kind().label);
                    continue;
                }
                long delay = retry.backoff().delayMillis(attempt, e.retryAtMillis());
                log.info("{} upstream attempt {}/{} failed ({}), retrying in {} ms",
                        trace.requestId(), attempt, retry.maxAttempts(), e.kind().label, delay);
                if (!retry.sleeper().sleep(delay, cancellation)) throw cancellation.outcome();
            } finally {
                // A client that hung up (or anything unforeseen) says nothing about the route, but a
                // trial this attempt held must not stay taken: the route would get no request again.
                if (!told) routes.released(route);
            }
        }
    }

    /** Whether a route not yet excluded sends another key for {@code provider} than {@code route} does. */
    private static boolean otherKey(RouteTable routes, Route route, String provider, Set<Route> excluded) {
        return routes.all().stream().anyMatch(r -> !excluded.contains(r) && !r.keyFor(provider).equals(route.keyFor(provider)));
    }

    private static List<Route> sameKey(RouteTable routes, Route route, String provider) {
        return routes.all().stream().filter(r -> r.keyFor(provider).equals(route.keyFor(provider))).toList();
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

    /** Counts and logs a failure that ends the chat, marks how it ended, and returns what to throw. */
    private RuntimeException failed(UpstreamFailure e, ChatTrace trace, Cancellation cancellation, boolean replyStarted) {
        if (e.kind() == UpstreamFailure.Kind.CANCELLED || cancellation.cancelled()) return cancellation.outcome();
        events.failure(e.kind());
        trace.end(switch (e.kind()) {
            case RATE_LIMIT_DAILY, RATE_LIMIT_PROVIDER -> ChatTrace.Outcome.LIMITED;
            case CUT, READ_ERROR, IDLE_TIMEOUT -> replyStarted ? ChatTrace.Outcome.CUT : ChatTrace.Outcome.ERROR;
            default -> e.status() == 429 ? ChatTrace.Outcome.LIMITED : ChatTrace.Outcome.ERROR;
        });
        log.debug("{} upstream failed after {} attempt(s): {}", trace.requestId(), trace.attempts(), LogSafe.message(e.getMessage()));
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
