package dev.e2bgateway.api;

import dev.e2bgateway.anthropic.MessageEvents;
import dev.e2bgateway.anthropic.MessagesParser;
import dev.e2bgateway.core.BufferedReply;
import dev.e2bgateway.core.ChatRequest;
import dev.e2bgateway.core.ChatService;
import dev.e2bgateway.core.Finish;
import dev.e2bgateway.core.ReplySink;
import dev.e2bgateway.http.SseStream;
import io.javalin.http.Context;

import java.io.IOException;
import java.util.Map;

/** {@code POST /v1/messages} and {@code /v1/messages/count_tokens}: Anthropic's front door to the same core. */
public final class MessagesEndpoint {

    private final MessagesParser parser;
    private final ChatService service;
    private final Json json;
    private final ChatRunner runner;

    public MessagesEndpoint(MessagesParser parser, ChatService service, Json json, ChatRunner runner) {
        this.parser = parser;
        this.service = service;
        this.json = json;
        this.runner = runner;
    }

    public void handle(Context ctx) {
        MessagesParser.Parsed parsed = parser.parse(runner.body(ctx));
        ChatRequest request = parsed.request();
        MessageEvents events = new MessageEvents(json.mapper(), Ids.next("msg_"), request.requestedModel());
        runner.run(ctx, request.requestedModel(), parsed.stream(), rc -> {
            if (!parsed.stream()) {
                BufferedReply reply = new BufferedReply();
                service.complete(request, rc, reply);
                json.write(ctx, events.message(reply.text(), reply.finish()));
                return;
            }
            SseStream sse = new SseStream(ctx.res());
            ReplySink sink = new ReplySink() {
                private void open() throws IOException {
                    if (!sse.started()) sse.send(events.opening(service.tokens().promptTokens(request)));
                }

                @Override
                public void text(String delta) throws IOException {
                    open();
                    sse.send(events.delta(delta));
                }

                @Override
                public void finish(Finish f) throws IOException {
                    open();
                    sse.send(events.closing(f));
                }
            };
            runner.stream(ctx, sse, events::error, r -> service.complete(request, r, sink), rc);
        });
    }

    public void countTokens(Context ctx) {
        ChatRequest request = parser.parseForCounting(runner.body(ctx));
        json.write(ctx, Map.of("input_tokens", service.tokens().promptTokens(request)));
    }
}
