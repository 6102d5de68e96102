package dev.e2bgateway.api;

import dev.e2bgateway.http.Auth;
import dev.e2bgateway.http.JsonResponses;
import dev.e2bgateway.http.RequestBodies;
import dev.e2bgateway.http.RouteDialect;
import dev.e2bgateway.responses.ResponsesDialect;
import io.javalin.config.JavalinState;
import io.javalin.plugin.Plugin;

/**
 * The OpenAI Responses front door: {@code POST /v1/responses}, and under {@code /v1/responses/}
 * input token counts and the stored responses of the caller's key (retrieve, delete, input items).
 */
public final class ResponsesRoutes extends Plugin<Void> {

    private final ResponsesDialect dialect;
    private final ChatEndpoint chat;
    private final RequestBodies bodies;

    /** @param chat the chat endpoint of {@code dialect} */
    public ResponsesRoutes(ResponsesDialect dialect, ChatEndpoint chat, RequestBodies bodies) {
        this.dialect = dialect;
        this.chat = chat;
        this.bodies = bodies;
    }

    @Override
    public void onStart(JavalinState state) {
        var routes = state.routes;
        chat.route(routes, "/v1/responses");
        routes.before("/v1/responses/*", ctx -> RouteDialect.attach(ctx, dialect.errors()));
        routes.post("/v1/responses/input_tokens", ctx -> JsonResponses.write(ctx, dialect.inputTokens(Auth.keyName(ctx), bodies.read(ctx))));
        routes.get("/v1/responses/{id}", ctx -> JsonResponses.write(ctx,
                dialect.retrieve(Auth.keyName(ctx), ctx.pathParam("id"), ctx.queryParam("stream"))));
        routes.delete("/v1/responses/{id}", ctx -> JsonResponses.write(ctx, dialect.delete(Auth.keyName(ctx), ctx.pathParam("id"))));
        routes.get("/v1/responses/{id}/input_items", ctx -> JsonResponses.write(ctx, dialect.inputItems(Auth.keyName(ctx),
                ctx.pathParam("id"), ctx.queryParam("limit"), ctx.queryParam("order"), ctx.queryParam("after"))));
    }
}
