package dev.e2bgateway.http;

import io.javalin.config.JavalinState;
import io.javalin.http.Handler;
import io.javalin.plugin.Plugin;
import io.javalin.plugin.PluginPriority;

/**
 * Who may come in: the Host check (against DNS rebinding, before anything else is looked at),
 * then CORS preflights answered on any path ({@link Cors#preflight}), then the client key on
 * {@code /v1/*}, on the Ollama door's {@code /api/*} while it is on, and on {@code /metrics} unless it is public.
 *
 * <p>A plugin started late on purpose: Javalin runs before-handlers in the order they were
 * added, and starts plugins after the app's own configuration, in priority order. The dialects'
 * plugins (normal priority) attach their error format first, so even a 401 or a 403 answers in
 * the dialect of the route the client called.
 */
public final class AccessControl extends Plugin<Void> {

    private final HostCheck hosts;
    private final Auth auth;
    private final boolean metricsPublic;
    private final Handler ollamaCheck;

    public AccessControl(HostCheck hosts, Auth auth, boolean metricsPublic) {
        this(hosts, auth, metricsPublic, null);
    }

    /** @param ollamaCheck the key check of the Ollama door's {@code /api/*} (null while it is off) */
    public AccessControl(HostCheck hosts, Auth auth, boolean metricsPublic, Handler ollamaCheck) {
        this.hosts = hosts;
        this.auth = auth;
        this.metricsPublic = metricsPublic;
        this.ollamaCheck = ollamaCheck;
    }

    @Override
    public PluginPriority priority() {
        return PluginPriority.LATE;
    }

    @Override
    public void onStart(JavalinState state) {
        state.routes.before(hosts::check);
        state.routes.before(Cors::preflight);
        state.routes.before("/v1/*", auth::check);
        if (ollamaCheck != null) state.routes.before("/api/*", ollamaCheck);
        state.routes.before("/v1beta/*", auth::check); // the Gemini API's paths
        if (!metricsPublic) state.routes.before("/metrics", auth::check);
    }
}
