package dev.e2bgateway.api;

import dev.e2bgateway.core.ChatRequest;
import dev.e2bgateway.core.ChatService;
import dev.e2bgateway.core.Finish;
import dev.e2bgateway.core.InFlight;
import dev.e2bgateway.core.ReplySink;
import dev.e2bgateway.core.RequestContext;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.http.ClientDisconnect;
import dev.e2bgateway.http.ErrorResponses;
import dev.e2bgateway.http.RequestLog;
import dev.e2bgateway.http.SseStream;
import dev.e2bgateway.openai.ChatCompletion;
import dev.e2bgateway.openai.ChatCompletionParser;
import dev.e2bgateway.openai.ChunkFrames;
import dev.e2bgateway.openai.UsageBody;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;

/** {@code POST /v1/chat/completions}: OpenAI's front door to the core. */
public final class ChatCompletionsEndpoint {

    private static final Logger log = LoggerFactory.getLogger(ChatCompletionsEndpoint.class);

    private final ChatCompletionParser parser;
    private final ChatService service;
    private final Json json;
    private final ErrorResponses errors;
    private final InFlight inFlight;

    public ChatCompletionsEndpoint(ChatCompletionParser parser, ChatService service, Json json, ErrorResponses errors,
                                   InFlight inFlight) {
        this.inFlight = inFlight;
        this.parser = parser;
        this.service = service;
        this.json = json;
        this.errors = errors;
    }

    public void handle(Context ctx) {
        if (inFlight.draining()) throw ApiError.unavailable("The gateway is shutting down; retry the request.");
        ChatCompletionParser.Parsed parsed = parser.parse(ctx.bodyAsBytes());
        ChatRequest request = parsed.request();
        RequestContext rc = RequestLog.begin(ctx, request.requestedModel(), parsed.stream());
        String id = Ids.next("chatcmpl-");
        long created = Instant.now().getEpochSecond();
        inFlight.add(rc);
        try (ClientDisconnect ignored = ClientDisconnect.watch(ctx, rc::cancel)) {
            if (parsed.stream()) {
                stream(ctx, parsed, rc, new ChunkFrames(json.mapper(), id, created, request.requestedModel(), parsed.includeUsage()));
            } else {
                complete(ctx, request, rc, id, created);
            }
        } catch (IOException e) {
            rc.cancel();
            log.debug("{} client disconnected: {}", rc.requestId(), e.toString());
        } finally {
            inFlight.remove(rc);
        }
    }

    private void complete(Context ctx, ChatRequest request, RequestContext rc, String id, long created) throws IOException {
        StringBuilder text = new StringBuilder();
        Finish[] finish = new Finish[1];
        service.complete(request, rc, new ReplySink() {
            @Override
            public void text(String delta) {
                text.append(delta);
            }

            @Override
            public void finish(Finish f) {
                finish[0] = f;
            }
        });
        json.write(ctx, ChatCompletion.of(id, created, request.requestedModel(), text.toString(),
                finishReason(finish[0].reason()), UsageBody.of(finish[0].usage())));
    }

    private void stream(Context ctx, ChatCompletionParser.Parsed parsed, RequestContext rc, ChunkFrames frames)
            throws IOException {
        SseStream sse = new SseStream(ctx.res());
        ReplySink sink = new ReplySink() {
            @Override
            public void text(String delta) throws IOException {
                if (!sse.started()) sse.send(frames.role());
                sse.send(frames.content(delta));
            }

            @Override
            public void finish(Finish f) throws IOException {
                if (!sse.started()) sse.send(frames.role());
                sse.send(frames.finish(finishReason(f.reason())));
                if (parsed.includeUsage()) sse.send(frames.usage(UsageBody.of(f.usage())));
                sse.send(ChunkFrames.DONE);
            }

            @Override
            public boolean wantsUsage() {
                return parsed.includeUsage();
            }
        };
        try {
            service.complete(parsed.request(), rc, sink);
        } catch (ApiError e) {
            if (!sse.started()) throw e; // still time for a proper HTTP status
            errors.write(ctx, e);
            sse.send(frames.error(e));
        }
    }

    static String finishReason(Finish.Reason reason) {
        return reason == Finish.Reason.LENGTH ? "length" : "stop";
    }
}
