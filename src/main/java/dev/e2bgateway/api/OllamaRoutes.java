package dev.e2bgateway.api;

import dev.e2bgateway.http.JsonResponses;
import dev.e2bgateway.http.RequestBodies;
import dev.e2bgateway.http.RouteDialect;
import dev.e2bgateway.ollama.OllamaDialect;
import dev.e2bgateway.ollama.OllamaModels;
import io.javalin.config.JavalinState;
import io.javalin.http.Context;
import io.javalin.plugin.Plugin;

import java.util.List;

/**
 * The Ollama front door (E2B_OLLAMA=on; docs/api-ollama.md): {@code /api/chat} and
 * {@code /api/generate}, the model calls apps make ({@code /api/tags}, {@code /api/show},
 * {@code /api/ps}, {@code /api/version}), the model-management calls refused in Ollama's shape,
 * and {@code /}: "Ollama is running" to apps, the playground to a browser.
 */
public final class OllamaRoutes extends Plugin<Void> {

    /** Ollama's model management and embeddings, none of which this gateway offers. */
    private static final List<String> REFUSED = List.of("pull", "push", "create", "copy", "embed", "embeddings");

    private final OllamaDialect chat;
    private final OllamaDialect generate;
    private final ChatEndpoint chatEndpoint;
    private final ChatEndpoint generateEndpoint;
    private final OllamaModels models;
    private final PlaygroundPage playground;
    private final RequestBodies bodies;

    /** @param chatEndpoint the chat endpoint of {@code chat}, {@code generateEndpoint} that of {@code generate} */
    public OllamaRoutes(OllamaDialect chat, ChatEndpoint chatEndpoint, OllamaDialect generate, ChatEndpoint generateEndpoint,
                        OllamaModels models, PlaygroundPage playground, RequestBodies bodies) {
        this.chat = chat;
        this.generate = generate;
        this.chatEndpoint = chatEndpoint;
        this.generateEndpoint = generateEndpoint;
        this.models = models;
        this.playground = playground;
        this.bodies = bodies;
    }

    @Override
    public void onStart(JavalinState state) {
        var routes = state.routes;
        routes.before("/api/*", ctx -> RouteDialect.attach(ctx, chat.errors()));
        routes.post("/api/chat", ctx -> chatOrLoad(ctx, chat, chatEndpoint));
        routes.post("/api/generate", ctx -> chatOrLoad(ctx, generate, generateEndpoint));
        routes.get("/api/tags", ctx -> JsonResponses.write(ctx, models.tags()));
        routes.post("/api/show", ctx -> JsonResponses.write(ctx, models.show(bodies.read(ctx))));
        routes.get("/api/ps", ctx -> JsonResponses.write(ctx, models.ps()));
        routes.get("/api/version", ctx -> JsonResponses.write(ctx, models.version()));
        for (String operation : REFUSED) {
            routes.post("/api/" + operation, ctx -> {
                throw OllamaModels.refused(operation);
            });
        }
        routes.delete("/api/delete", ctx -> {
            throw OllamaModels.refused("delete");
        });
        routes.get("/", this::root);
        routes.head("/", ctx -> ctx.contentType("text/plain; charset=utf-8"));
    }

    /** Ollama's "load the model" request is answered at once; anything else is a chat. */
    private void chatOrLoad(Context ctx, OllamaDialect dialect, ChatEndpoint endpoint) {
        byte[] body = bodies.read(ctx);
        byte[] loaded = dialect.loadOnly(body);
        if (loaded != null) JsonResponses.write(ctx, loaded);
        else endpoint.handle(ctx, body);
    }

    /** Apps check that Ollama runs with {@code GET /}; a browser that opens the address gets the playground. */
    private void root(Context ctx) {
        String accept = ctx.header("Accept");
        if (accept != null && accept.contains("text/html")) playground.serve(ctx);
        else ctx.contentType("text/plain; charset=utf-8").result("Ollama is running");
    }
}
