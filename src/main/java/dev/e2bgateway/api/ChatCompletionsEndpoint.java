package dev.e2bgateway.api;

import dev.e2bgateway.core.BufferedReply;
import dev.e2bgateway.core.ChatRequest;
import dev.e2bgateway.core.ChatService;
import dev.e2bgateway.core.Finish;
import dev.e2bgateway.core.ReplySink;
import dev.e2bgateway.core.RequestContext;
import dev.e2bgateway.http.SseStream;
import dev.e2bgateway.openai.ChatCompletion;
import dev.e2bgateway.openai.ChatCompletionParser;
import dev.e2bgateway.openai.ChunkFrames;
import dev.e2bgateway.openai.UsageBody;
import io.javalin.http.Context;

import java.io.IOException;
import java.time.Instant;

/** {@code POST /v1/chat/completions}: OpenAI's front door to the core. */
public final class ChatCompletionsEndpoint {

    private final ChatCompletionParser parser;
    private final ChatService service;
    private final Json json;
    private final ChatRunner runner;

    public ChatCompletionsEndpoint(ChatCompletionParser parser, ChatService service, Json json, ChatRunner runner) {
        this.runner = runner;
        this.parser = parser;
        this.service = service;
        this.json = json;
    }

    public void handle(Context ctx) {
        ChatCompletionParser.Parsed parsed = parser.parse(runner.body(ctx));
        ChatRequest request = parsed.request();
        String id = Ids.next("chatcmpl-");
        long created = Instant.now().getEpochSecond();
        runner.run(ctx, request.requestedModel(), parsed.stream(), rc -> {
            if (parsed.stream()) {
                stream(ctx, parsed, rc, new ChunkFrames(json.mapper(), id, created, request.requestedModel(), parsed.includeUsage()));
            } else {
                complete(ctx, request, rc, id, created);
            }
        });
    }

    private void complete(Context ctx, ChatRequest request, RequestContext rc, String id, long created) throws IOException {
        BufferedReply reply = new BufferedReply();
        service.complete(request, rc, reply);
        json.write(ctx, ChatCompletion.of(id, created, request.requestedModel(), reply.text(),
                finishReason(reply.finish().reason()), UsageBody.of(reply.finish().usage())));
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
        runner.stream(ctx, sse, frames::error, r -> service.complete(parsed.request(), r, sink), rc);
    }

    static String finishReason(Finish.Reason reason) {
        return reason == Finish.Reason.LENGTH ? "length" : "stop";
    }
}
