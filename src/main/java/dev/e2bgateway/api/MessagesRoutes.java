package dev.e2bgateway.api;

import dev.e2bgateway.anthropic.MessagesDialect;
import dev.e2bgateway.http.JsonResponses;
import dev.e2bgateway.http.RequestBodies;
import dev.e2bgateway.http.RouteDialect;
import io.javalin.config.JavalinState;
import io.javalin.plugin.Plugin;

/**
 * The Anthropic Messages front door: {@code POST /v1/messages} and
 * {@code POST /v1/messages/count_tokens}, their errors in Anthropic's shape.
 */
public final class MessagesRoutes extends Plugin<Void> {

    private final MessagesDialect dialect;
    private final ChatEndpoint chat;
    private final RequestBodies bodies;

    /** @param chat the chat endpoint of {@code dialect} */
    public MessagesRoutes(MessagesDialect dialect, ChatEndpoint chat, RequestBodies bodies) {
        this.dialect = dialect;
        this.chat = chat;
        this.bodies = bodies;
    }

    @Override
    public void onStart(JavalinState state) {
        chat.route(state.routes, "/v1/messages");
        state.routes.before("/v1/messages/count_tokens", ctx -> RouteDialect.attach(ctx, dialect.errors()));
        state.routes.post("/v1/messages/count_tokens", ctx -> JsonResponses.write(ctx, dialect.countTokens(bodies.read(ctx))));
    }
}
