package dev.e2bgateway.api;

import dev.e2bgateway.core.BufferedReply;
import dev.e2bgateway.core.ChatRequest;
import dev.e2bgateway.core.Cancellation;
import dev.e2bgateway.core.ChatService;
import dev.e2bgateway.core.ChatTrace;
import dev.e2bgateway.core.InterpreterLoop;
import dev.e2bgateway.core.ReplySink;
import dev.e2bgateway.dialect.Dialect;
import dev.e2bgateway.dialect.Exchange;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.http.Auth;
import dev.e2bgateway.http.ClientKey;
import dev.e2bgateway.http.ChatLifecycle;
import dev.e2bgateway.http.ErrorWriter;
import dev.e2bgateway.http.JsonResponses;
import dev.e2bgateway.http.RequestBodies;
import dev.e2bgateway.http.RouteDialect;
import dev.e2bgateway.http.SseReply;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.io.IOException;

/** A chat route of any dialect: parse in the dialect, run the core, answer in the dialect, streamed or not. */
public final class ChatEndpoint {

    private final Dialect dialect;
    private final ChatService service;
    private final InterpreterLoop interpreter;
    private final ChatLifecycle lifecycle;
    private final RequestBodies bodies;
    private final ErrorWriter errors;

    /** @param interpreter runs the turns of clients that asked for the built-in code interpreter */
    private ChatEndpoint(Dialect dialect, ChatService service, InterpreterLoop interpreter, ChatLifecycle lifecycle, RequestBodies bodies,
                         ErrorWriter errors) {
        this.dialect = dialect;
        this.service = service;
        this.interpreter = interpreter;
        this.lifecycle = lifecycle;
        this.bodies = bodies;
        this.errors = errors;
    }

    /** What every chat endpoint shares but its dialect: one set per gateway, an endpoint per dialect made from it. */
    public record Parts(ChatService service, InterpreterLoop interpreter, ChatLifecycle lifecycle, RequestBodies bodies, ErrorWriter errors) {
        public ChatEndpoint endpoint(Dialect dialect) {
            return new ChatEndpoint(dialect, service, interpreter, lifecycle, bodies, errors);
        }
    }

    /** One turn into a sink: a plain chat, or one with the code interpreter. */
    private interface Turn {
        void run(ChatRequest request, ChatTrace trace, Cancellation cancellation, ReplySink sink) throws IOException;
    }

    /** Registers this endpoint at {@code path}: a before-handler attaching the dialect's error format, then the POST handler. */
    public void route(RoutesConfig routes, String path) {
        routes.before(path, ctx -> RouteDialect.attach(ctx, dialect.errors()));
        routes.post(path, this::handle);
    }

    public void handle(Context ctx) {
        handle(ctx, bodies.read(ctx));
    }

    /** As {@link #handle(Context)}, with the body already read (a door that looked at it first). */
    public void handle(Context ctx, byte[] body) {
        handle(ctx, dialect.parse(body, Auth.keyName(ctx)));
    }

    /** Runs an exchange the route parsed itself (Gemini's model and method are in the path, not the body). */
    public void handle(Context ctx, Exchange exchange) {
        ClientKey key = Auth.of(ctx);
        if (exchange.codeInterpreter() && key != null && !key.mayRunCode(true)) {
            throw ApiError.invalidRequest("tools", "The API key '" + key.name() + "' may not use the code interpreter on this"
                    + " gateway (its entry in the keys file says \"interpreter\": false). Leave the tool out, or ask the operator.");
        }
        ChatRequest request = exchange.request();
        lifecycle.run(ctx, request.requestedModel(), exchange.stream(), (trace, cancellation) -> {
            Turn turn = exchange.codeInterpreter() ? interpreter::complete : service::complete;
            if (exchange.stream()) {
                SseReply reply = new SseReply(ctx, exchange.events(), exchange.wantsUsage());
                reply.run(ctx, errors, sink -> turn.run(request, trace, cancellation, sink));
            } else {
                BufferedReply reply = new BufferedReply();
                turn.run(request, trace, cancellation, reply);
                byte[] body = exchange.reply(reply);
                reply.headers().forEach(ctx::header);
                JsonResponses.write(ctx, body);
            }
        });
    }
}
