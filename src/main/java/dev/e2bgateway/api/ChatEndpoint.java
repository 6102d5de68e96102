package dev.e2bgateway.api;

import dev.e2bgateway.core.BufferedReply;
import dev.e2bgateway.core.ChatRequest;
import dev.e2bgateway.core.ChatService;
import dev.e2bgateway.dialect.Dialect;
import dev.e2bgateway.dialect.Exchange;
import dev.e2bgateway.http.Auth;
import dev.e2bgateway.http.ChatLifecycle;
import dev.e2bgateway.http.ErrorWriter;
import dev.e2bgateway.http.JsonResponses;
import dev.e2bgateway.http.RequestBodies;
import dev.e2bgateway.http.SseReply;
import io.javalin.http.Context;

/** A chat route of any dialect: parse in the dialect, run the core, answer in the dialect, streamed or not. */
public final class ChatEndpoint {

    private final Dialect dialect;
    private final ChatService service;
    private final ChatLifecycle lifecycle;
    private final RequestBodies bodies;
    private final ErrorWriter errors;

    public ChatEndpoint(Dialect dialect, ChatService service, ChatLifecycle lifecycle, RequestBodies bodies, ErrorWriter errors) {
        this.dialect = dialect;
        this.service = service;
        this.lifecycle = lifecycle;
        this.bodies = bodies;
        this.errors = errors;
    }

    public void handle(Context ctx) {
        Exchange exchange = dialect.parse(bodies.read(ctx), Auth.keyName(ctx));
        ChatRequest request = exchange.request();
        lifecycle.run(ctx, request.requestedModel(), exchange.stream(), (trace, cancellation) -> {
            if (exchange.stream()) {
                SseReply reply = new SseReply(ctx, exchange.events(), exchange.wantsUsage());
                reply.run(ctx, errors, sink -> service.complete(request, trace, cancellation, sink));
            } else {
                BufferedReply reply = new BufferedReply();
                service.complete(request, trace, cancellation, reply);
                JsonResponses.write(ctx, exchange.reply(reply));
            }
        });
    }
}
