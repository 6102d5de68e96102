package dev.e2bgateway.api;

import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.gemini.GeminiDialect;
import dev.e2bgateway.http.JsonResponses;
import dev.e2bgateway.http.RequestBodies;
import dev.e2bgateway.http.RouteDialect;
import io.javalin.config.JavalinState;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.plugin.Plugin;

/**
 * The Gemini API front door (docs/api-gemini.md): {@code POST /v1beta/models/{model}:generateContent},
 * {@code :streamGenerateContent} (with {@code alt=sse}, or a streamed JSON array), {@code :countTokens},
 * {@code GET /v1beta/models} and {@code /v1beta/models/{model}}, the same under {@code /v1}; errors in
 * Google's shape. Model names may hold '/', so the method is read after the path's last ':'.
 */
public final class GeminiRoutes extends Plugin<Void> {

    private final GeminiDialect dialect;
    private final ChatEndpoint chat;
    private final RequestBodies bodies;

    /** @param chat the chat endpoint of {@code dialect} */
    public GeminiRoutes(GeminiDialect dialect, ChatEndpoint chat, RequestBodies bodies) {
        this.dialect = dialect;
        this.chat = chat;
        this.bodies = bodies;
    }

    @Override
    public void onStart(JavalinState state) {
        state.routes.before("/v1beta/*", ctx -> RouteDialect.attach(ctx, dialect.errors()));
        // Under /v1 only the POSTs are Gemini's: GET /v1/models is OpenAI's unless a Google client asks (see listModels).
        state.routes.before("/v1/models/*", ctx -> {
            if (ctx.method() == HandlerType.POST || googleClient(ctx)) RouteDialect.attach(ctx, dialect.errors());
        });
        for (String version : new String[] {"/v1beta", "/v1"}) {
            state.routes.post(version + "/models/<target>", this::call);
        }
        state.routes.get("/v1beta/models", this::list);
        state.routes.get("/v1beta/models/<model>", ctx -> get(ctx, ctx.pathParam("model")));
    }

    /** Whether a request comes from one of Google's clients (they send the key in their own header, or as {@code ?key=}). */
    public static boolean googleClient(Context ctx) {
        return ctx.header("x-goog-api-key") != null || ctx.queryParam("key") != null;
    }

    /** {@code GET /v1/models}: Google's list for Google's clients; otherwise {@code openai}'s. */
    public void listOr(Context ctx, Handler openai) throws Exception {
        if (googleClient(ctx)) list(ctx);
        else openai.handle(ctx);
    }

    /** {@code GET /v1/models/{id}}: Google's model for Google's clients; otherwise {@code openai}'s. */
    public void getOr(Context ctx, Handler openai) throws Exception {
        if (googleClient(ctx)) get(ctx, ctx.pathParam("id"));
        else openai.handle(ctx);
    }

    private void list(Context ctx) {
        JsonResponses.write(ctx, dialect.listModels());
    }

    private void get(Context ctx, String model) {
        JsonResponses.write(ctx, dialect.model(model));
    }

    private void call(Context ctx) {
        String target = ctx.pathParam("target");
        int colon = target.lastIndexOf(':');
        if (colon <= 0) throw ApiError.notFound(ctx.method().name(), ctx.path());
        String model = target.substring(0, colon);
        GeminiDialect.Method method = GeminiDialect.method(target.substring(colon + 1), ctx.queryParam("alt"));
        byte[] body = bodies.read(ctx);
        if (method == GeminiDialect.Method.COUNT_TOKENS) {
            JsonResponses.write(ctx, dialect.countTokens(model, body));
        } else {
            chat.handle(ctx, dialect.exchange(model, method, body));
        }
    }
}
