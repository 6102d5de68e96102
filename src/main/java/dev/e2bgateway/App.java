package dev.e2bgateway;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.e2bgateway.anthropic.MessagesDialect;
import dev.e2bgateway.api.ChatCompletionsRoutes;
import dev.e2bgateway.api.ChatEndpoint;
import dev.e2bgateway.api.GeminiRoutes;
import dev.e2bgateway.api.HealthEndpoint;
import dev.e2bgateway.api.MessagesRoutes;
import dev.e2bgateway.api.ModelsEndpoint;
import dev.e2bgateway.api.OllamaRoutes;
import dev.e2bgateway.api.PlaygroundPage;
import dev.e2bgateway.api.ResponsesRoutes;
import dev.e2bgateway.config.Config;
import dev.e2bgateway.gemini.GeminiDialect;
import dev.e2bgateway.gemini.GeminiModels;
import dev.e2bgateway.core.Backoff;
import dev.e2bgateway.core.ChatService;
import dev.e2bgateway.core.InterpreterLoop;
import dev.e2bgateway.core.InFlight;
import dev.e2bgateway.core.RetryPolicy;
import dev.e2bgateway.core.Route;
import dev.e2bgateway.core.RouteTable;
import dev.e2bgateway.config.ProxySettings;
import dev.e2bgateway.config.UpstreamsFile;
import dev.e2bgateway.core.Sleeper;
import dev.e2bgateway.core.TokenCounter;
import dev.e2bgateway.core.UpstreamErrors;
import dev.e2bgateway.core.UpstreamRequests;
import dev.e2bgateway.config.ConfigException;
import dev.e2bgateway.config.ProviderKeys;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.error.LogSafe;
import dev.e2bgateway.http.AccessControl;
import dev.e2bgateway.http.AccessLog;
import dev.e2bgateway.http.Auth;
import dev.e2bgateway.http.ChatLifecycle;
import dev.e2bgateway.http.KeyLimiter;
import dev.e2bgateway.http.ClientDisconnect;
import dev.e2bgateway.http.ClientKey;
import dev.e2bgateway.http.KeylessAccess;
import dev.e2bgateway.http.Cors;
import dev.e2bgateway.http.ErrorWriter;
import dev.e2bgateway.http.HostCheck;
import dev.e2bgateway.http.JsonResponses;
import dev.e2bgateway.http.RequestBodies;
import dev.e2bgateway.http.RequestIds;
import dev.e2bgateway.http.RequestLog;
import dev.e2bgateway.metrics.Metrics;
import dev.e2bgateway.models.Providers;
import dev.e2bgateway.models.ModelRegistry;
import dev.e2bgateway.chatcompletions.ChatCompletionsDialect;
import dev.e2bgateway.reload.ConfigVersions;
import dev.e2bgateway.reload.Outcome;
import dev.e2bgateway.reload.Reloader;
import dev.e2bgateway.reload.Settings;
import dev.e2bgateway.ollama.OllamaDialect;
import dev.e2bgateway.ollama.OllamaModels;
import dev.e2bgateway.responses.ResponsesDialect;
import dev.e2bgateway.state.ConcurrencySlots;
import dev.e2bgateway.state.RouteMarks;
import dev.e2bgateway.upstream.FragmentsClient;
import dev.e2bgateway.upstream.SandboxClient;
import dev.e2bgateway.upstream.FragmentsRequest;
import dev.e2bgateway.upstream.OutboundProxy;
import dev.e2bgateway.upstream.NoDelaySockets;
import dev.e2bgateway.upstream.WatchdogAnchor;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.javalin.util.ConcurrencyUtil;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Wires the gateway with {@code new}: a before-handler for request ids and CORS, one Javalin
 * plugin per front door (each registers its routes with its dialect's error format), the Host and
 * key checks, the gateway's own routes, then one error mapper. Returns an unstarted Javalin so
 * tests can {@code start(0)} it.
 */
public final class App {

    private static final Logger log = LoggerFactory.getLogger(App.class);

    private App() {
    }

    /** The shared JSON mapper: strict about duplicate keys, lenient about unknown fields. */
    public static ObjectMapper objectMapper() {
        return JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    /** The one upstream HTTP client, timeouts explicit. Its read timeout is the wait for response headers. */
    public static OkHttpClient httpClient(Config config) {
        return httpClient(config.timeouts(), config.upstream().proxy(), config.upstream());
    }

    private static OkHttpClient httpClient(Config.Timeouts timeouts, ProxySettings proxy, Config.Upstream upstream) {
        WatchdogAnchor.start(); // no watchdog wake-up per socket read and write (docs/benchmarks.md)
        OkHttpClient.Builder builder = new OkHttpClient.Builder()
                .connectTimeout(timeouts.connect())
                .readTimeout(timeouts.firstByte())
                .writeTimeout(timeouts.firstByte())
                .callTimeout(0, TimeUnit.MILLISECONDS) // no total: long answers are normal
                .connectionPool(new ConnectionPool(64, 5, TimeUnit.MINUTES))
                .followRedirects(false)
                // The gateway decides about retries (E2B_RETRY_*): a chat call is not idempotent,
                // and a silent second attempt would also hide from the retry count.
                .retryOnConnectionFailure(false)
                // Connect on the calling (virtual) thread: fast fallback hands every new
                // connection to a platform thread, which costs dearly when a thousand streams open at once.
                .fastFallback(false)
                .socketFactory(new NoDelaySockets()); // no Nagle wait on a request's last segment (docs/benchmarks.md)
        // Only plain-HTTP upstreams (a local one, say): no TLS, so none of its setup at startup.
        if (plainHttpOnly(upstream)) builder.connectionSpecs(List.of(ConnectionSpec.CLEARTEXT));
        OutboundProxy.configure(builder, proxy);
        return builder.build();
    }

    private static boolean plainHttpOnly(Config.Upstream upstream) {
        if (upstream.upstreamsFile() != null) return false; // its routes are read later; keep TLS ready
        return upstream.baseUrls().stream().allMatch(u -> "http".equalsIgnoreCase(u.getScheme()));
    }

    private static <T> T join(FutureTask<T> task) {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The version from the jar's manifest ("dev" when run from classes). */
    public static String version() {
        String v = App.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** The gateway for {@code config}; {@code inFlight} is shared with the shutdown hook that drains it. */
    public static Javalin create(Config config, InFlight inFlight) {
        return build(config, inFlight).app();
    }

    /** The gateway and what reloads its settings files (Main connects SIGHUP to it); the reloader stops with the app. */
    public record Built(Javalin app, Reloader reloader) {}

    /** As {@link #create}, with the reloader. */
    public static Built build(Config config, InFlight inFlight) {
        return build(config, inFlight, System::currentTimeMillis);
    }

    /**
     * As {@link #build(Config, InFlight)}, with the wall clock that limits, breakers, stored
     * responses' expiry and error messages read (Unix ms): tests set it instead of waiting for
     * a window to come round.
     */
    public static Built build(Config config, InFlight inFlight, LongSupplier clock) {
        // Nothing waits at startup for what only a chat needs: the vocabularies and the upstream
        // client (the JDK's security providers, and its trust store for an https upstream, take
        // a third of a second) are built on other threads; the first chat waits if they are not done.
        ObjectMapper mapper = objectMapper();
        UpstreamRequests upstreamRequests = new UpstreamRequests(mapper);
        TokenCounter tokens = new TokenCounter(upstreamRequests);
        tokens.warmUpInBackground();
        FutureTask<OkHttpClient> httpSetup = new FutureTask<>(() -> httpClient(config));
        Thread httpSetupThread = new Thread(httpSetup, "http-client-setup");
        httpSetupThread.setDaemon(true);
        httpSetupThread.start();
        Call.Factory http = request -> join(httpSetup).newCall(request);

        Config.Server server = config.server();

        Metrics metrics = new Metrics(inFlight);
        Backoff backoff = new Backoff(config.retry().delay().toMillis(), Backoff.DEFAULT_CAP_MILLIS,
                () -> ThreadLocalRandom.current().nextDouble(), clock);
        // Stored responses, key counts and routes' daily limits: in memory, or in one Redis for a fleet.
        SharedState shared = SharedState.from(config.responses(), clock);
        // A trial request that has told nothing by the time a first byte was due counts as failed.
        long trialMillis = config.timeouts().connect().toMillis() + config.timeouts().firstByte().toMillis();
        // The keys, models and upstreams files, as one snapshot that SIGHUP or an edit replaces (docs/operations.md, "Reloading settings").
        Reloader reloader = new Reloader(config, mapper, new Reloader.Routes() {
            @Override
            public List<Route> build(List<UpstreamsFile.RouteSettings> upstreams, ModelRegistry models) {
                return routes(config, http, upstreams, providerKeys(models, config), mapper);
            }

            @Override
            public RouteMarks marks(List<String> names) {
                return shared.marks(names);
            }

            @Override
            public long trialMillis() {
                return trialMillis;
            }
        }, clock, (file, outcome) -> metrics.configReload(file.label, outcome.label), metrics::routes);
        metrics.configFiles(reloader.files().keySet().stream().map(f -> f.label).toList(),
                Arrays.stream(Outcome.values()).map(o -> o.label).toList());
        Supplier<ModelRegistry> models = () -> reloader.current().models();
        Supplier<RouteTable> routes = () -> reloader.current().routes();
        ChatService chat = new ChatService(routes,
                new FragmentsRequest(mapper), upstreamRequests, tokens, metrics,
                new UpstreamErrors(config.timeouts().idle(), clock),
                new RetryPolicy(config.retry().maxAttempts(), backoff, Sleeper.CANCELLABLE), mapper);

        InterpreterLoop interpreter = new InterpreterLoop(chat, routes, metrics, mapper, config.interpreter());

        ChatCompletionsDialect openai = new ChatCompletionsDialect(mapper, models);
        MessagesDialect anthropic = new MessagesDialect(mapper, models, tokens, config.interpreter().enabled());
        ResponsesDialect responses = new ResponsesDialect(mapper, models, tokens, shared.responses(), config.interpreter().enabled());
        GeminiDialect geminiDialect = new GeminiDialect(mapper, new GeminiModels(models, config.gemini().defaultModel()), tokens);
        JsonResponses json = new JsonResponses(mapper);
        ErrorWriter errors = new ErrorWriter(openai.errors());
        // Chats at once hold leases that this process renews while they run and frees when they end (or later, when Redis failed then).
        ConcurrencySlots slots = new ConcurrencySlots(shared.leases(), clock).start();
        KeyLimiter limiter = new KeyLimiter(shared.counters(), slots, clock, metrics::keyLimited);
        Auth auth = new Auth(() -> reloader.current().keys(), limiter);
        boolean ollama = config.ollama().enabled();
        HostCheck hosts = new HostCheck(server.host(), server.allowedHosts());
        RequestBodies bodies = new RequestBodies(server.maxBodyBytes(), inFlight::draining);
        ClientDisconnect.Watcher disconnects = new ClientDisconnect.Watcher(server.disconnectWatchDelay().toMillis());
        ChatLifecycle lifecycle = new ChatLifecycle(inFlight, disconnects, limiter);
        ModelsEndpoint modelsEndpoint = new ModelsEndpoint(models, json);
        HealthEndpoint health = new HealthEndpoint(inFlight, () -> {
            Settings settings = reloader.current();
            return new HealthEndpoint.Snapshot(settings.routes(), settings.versions().isEmpty() ? null : ConfigVersions.health(settings));
        }, json);
        PlaygroundPage playground = new PlaygroundPage(version(), config.upstream().baseUrl());
        AccessLog accessLog = new AccessLog();
        ChatEndpoint.Parts endpoints = new ChatEndpoint.Parts(chat, interpreter, lifecycle, bodies, errors);
        GeminiRoutes gemini = new GeminiRoutes(geminiDialect, endpoints.endpoint(geminiDialect), bodies);

        quickJettyStart();
        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            // Java 21+: every request on its own virtual thread, so a thousand open streams are a
            // thousand cheap threads, not a queue. On Java 17 (or E2B_VIRTUAL_THREADS=false) a pool of
            // platform threads instead (docs/benchmarks.md compares the two: platform threads cost
            // less one request at a time).
            cfg.concurrency.useVirtualThreads = server.virtualThreads();
            if (!server.virtualThreads() || !ConcurrencyUtil.isLoomAvailable()) cfg.jetty.threadPool = platformThreads();
            cfg.http.maxRequestSize = server.maxBodyBytes();
            cfg.http.compressionStrategy = CompressionStrategy.NONE; // SSE must never be compressed
            cfg.http.prefer405over404 = true;
            cfg.router.treatMultipleSlashesAsSingleSlash = true; // clients that join "/v1/" + "/models"
            cfg.router.ignoreTrailingSlashes = true;
            cfg.requestLogger.http((ctx, millis) -> {
                RequestLog.write(accessLog, ctx, millis);
                metrics.request(route(ctx), ctx.method().name(), ctx.statusCode(), RequestLog.model(ctx),
                        (long) (millis * 1_000_000));
                if (RequestLog.isChat(ctx)) metrics.chatOutcome(RequestLog.outcome(ctx));
            });
            cfg.events.serverStopped(() -> {
                reloader.close();
                accessLog.close();
                disconnects.close();
                slots.close();
                shared.close();
                join(httpSetup).connectionPool().evictAll();
            });

            cfg.routes.before(ctx -> {
                RequestIds.assign(ctx);
                Cors.headers(ctx);
            });
            // Each front door registers its routes, each with its dialect's error format attached.
            cfg.registerPlugin(new ChatCompletionsRoutes(endpoints.endpoint(openai)));
            cfg.registerPlugin(new MessagesRoutes(anthropic, endpoints.endpoint(anthropic), bodies));
            cfg.registerPlugin(new ResponsesRoutes(responses, endpoints.endpoint(responses), bodies));
            cfg.registerPlugin(gemini);
            if (ollama) cfg.registerPlugin(ollamaRoutes(mapper, models, endpoints, playground));
            // The Host check, CORS preflights (any path) and the key check: started after the dialects',
            // so even a 401 answers in the route's dialect.
            cfg.registerPlugin(new AccessControl(hosts, auth, server.metricsPublic(), ollama ? ollamaCheck(config, auth) : null));

            if (!ollama) cfg.routes.get("/", playground::serve); // the Ollama door answers "/" itself
            cfg.routes.get("/playground", playground::serve);
            cfg.routes.get("/health", health::handle);
            cfg.routes.get("/v1/gateway/upstreams", ctx -> json.write(ctx, Map.of("object", "list", "data", routes.get().status())));
            cfg.routes.get("/v1/gateway/config", ctx -> json.write(ctx, ConfigVersions.detail(reloader, config.reload(), config.interpreter())));
            cfg.routes.get("/v1/models", ctx -> gemini.listOr(ctx, modelsEndpoint::list));
            cfg.routes.get("/v1/models/<id>", ctx -> gemini.getOr(ctx, modelsEndpoint::get));
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));

            cfg.routes.exception(ApiError.class, (e, ctx) -> errors.write(ctx, e));
            cfg.routes.exception(HttpResponseException.class, (e, ctx) -> errors.write(ctx, switch (e.getStatus()) {
                case 404 -> ApiError.notFound(ctx.method().name(), ctx.path());
                case 405 -> ApiError.methodNotAllowed(ctx.method().name(), ctx.path());
                case 413 -> ApiError.bodyTooLarge(server.maxBodyBytes());
                default -> e.getStatus() < 500 ? ApiError.invalidRequest(null, e.getMessage()) : ApiError.internal();
            }));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                log.error("{} unhandled failure in {} {}", RequestIds.of(ctx), LogSafe.text(ctx.method()), LogSafe.text(ctx.path()), e);
                errors.write(ctx, ApiError.internal());
            });
            cfg.routes.error(404, ctx -> {
                if (!ErrorWriter.written(ctx)) errors.write(ctx, ApiError.notFound(ctx.method().name(), ctx.path()));
            });
            cfg.routes.error(405, ctx -> {
                if (!ErrorWriter.written(ctx)) errors.write(ctx, ApiError.methodNotAllowed(ctx.method().name(), ctx.path()));
            });
        });
        return new Built(app, reloader);
    }

    /**
     * Jetty sizes the padding of a few of its counters (against false sharing) by the size of an
     * object reference, which it asks the platform MBean server for unless this property tells
     * it; starting that server and every platform bean behind it was a tenth of a second of a
     * start (docs/benchmarks.md). References are 4 bytes with compressed pointers, which the JVM
     * uses for heaps under 32 GB; an operator's own value is kept.
     */
    private static void quickJettyStart() {
        String property = "org.eclipse.jetty.util.referencesPerCacheLine";
        if (System.getProperty(property) != null) return;
        boolean compressed = Runtime.getRuntime().maxMemory() < 32L * 1024 * 1024 * 1024;
        System.setProperty(property, String.valueOf(64 / (compressed ? 4 : 8)));
    }

    /**
     * The pool of platform threads Javalin would build where it runs no virtual threads (by its own
     * test: Java 17, or E2B_VIRTUAL_THREADS=false), with 2 threads kept instead of 8: each Java
     * thread keeps about 90 KB of stack resident, and the pool still grows to 250 under load and
     * shrinks back after a minute idle.
     */
    private static QueuedThreadPool platformThreads() {
        QueuedThreadPool pool = new QueuedThreadPool(250, 2, 60_000);
        pool.setName("JettyServerThreadPool");
        return pool;
    }

    /** The Ollama door's routes (E2B_OLLAMA=on): chat and generate, each its own dialect, and the model calls. */
    private static OllamaRoutes ollamaRoutes(ObjectMapper mapper, Supplier<ModelRegistry> models, ChatEndpoint.Parts parts,
                                             PlaygroundPage playground) {
        OllamaDialect chat = OllamaDialect.chat(mapper, models);
        OllamaDialect generate = OllamaDialect.generate(mapper, models);
        return new OllamaRoutes(chat, parts.endpoint(chat), generate, parts.endpoint(generate), new OllamaModels(mapper, models),
                playground, parts.bodies());
    }

    /** The key check of /api/*: as /v1/*, or, with E2B_OLLAMA_KEYLESS on loopback, requests without a key let in as "keyless". */
    private static Handler ollamaCheck(Config config, Auth auth) {
        if (!config.ollama().keyless()) return auth::check;
        Config.KeyLimits limits = config.server().keyLimits();
        ClientKey keyless = new ClientKey("keyless", new byte[0], limits.rpm(), limits.rpd(), limits.concurrency());
        log.warn("E2B_OLLAMA_KEYLESS: requests to /api/* without a key are let in (this gateway listens on {} only)", config.server().host());
        return new KeylessAccess(auth, keyless, config.ollama().origins())::check;
    }

    /**
     * The upstream routes: those of E2B_UPSTREAMS_FILE (each with its own proxy and provider keys
     * over the global ones), else one per URL of E2B_BASE_URL with the global settings.
     */
    private static List<Route> routes(Config config, Call.Factory http, List<UpstreamsFile.RouteSettings> upstreams, ProviderKeys globalKeys,
                                      ObjectMapper mapper) {
        Duration idle = config.timeouts().idle();
        if (upstreams == null) {
            List<URI> urls = config.upstream().baseUrls();
            List<Route> routes = new ArrayList<>();
            for (int i = 0; i < urls.size(); i++) {
                routes.add(new Route(urls.size() == 1 ? "default" : "route-" + (i + 1), new FragmentsClient(http, urls.get(i), idle),
                        globalKeys, 1, sandbox(config, http, urls.get(i), mapper)));
            }
            return routes;
        }
        List<Route> routes = new ArrayList<>();
        for (UpstreamsFile.RouteSettings r : upstreams) {
            for (String provider : r.providerKeys().providers()) {
                Providers.requireKnown(provider, known -> new ConfigException("E2B_UPSTREAMS_FILE " + config.upstream().upstreamsFile()
                        + ": route " + r.name() + " field 'providerKeys' names '" + provider + "', not a provider the upstream knows"));
            }
            Call.Factory client = r.proxy() == null ? http : httpClient(config.timeouts(), r.proxy(), config.upstream());
            routes.add(new Route(r.name(), new FragmentsClient(client, r.baseUrl(), idle), globalKeys.overriddenBy(r.providerKeys()), r.weight(),
                    sandbox(config, client, r.baseUrl(), mapper)));
            log.info("upstream route {}: {} via {}{}", r.name(), r.baseUrl().getScheme() + "://" + r.baseUrl().getHost()
                            + (r.baseUrl().getPort() > 0 ? ":" + r.baseUrl().getPort() : ""),
                    r.proxy() == null ? "the global proxy settings" : ProxySettings.describe(r.proxy().proxy()),
                    r.providerKeys().isEmpty() ? "" : ", provider keys " + r.providerKeys());
        }
        return routes;
    }

    /** The route's code runner (its deployment's /api/sandbox, through the route's own client), or null while the interpreter is off. */
    private static SandboxClient sandbox(Config config, Call.Factory http, URI baseUrl, ObjectMapper mapper) {
        return config.interpreter().enabled() ? new SandboxClient(http, baseUrl, config.interpreter().timeout(), mapper) : null;
    }

    /** The models file's provider keys, with E2B_PROVIDER_KEYS over them; each must name a provider the upstream knows. */
    static ProviderKeys providerKeys(ModelRegistry models, Config config) {
        ProviderKeys keys = models.providerKeys().overriddenBy(config.upstream().providerKeys());
        for (String provider : config.upstream().providerKeys().providers()) {
            Providers.requireKnown(provider, known -> new ConfigException("E2B_PROVIDER_KEYS",
                    "names '" + provider + "', not a provider the upstream knows " + known));
        }
        if (!keys.isEmpty()) log.info("provider keys (sent upstream as config.apiKey): {}", keys);
        return keys;
    }

    /** The route a request matched, as registered (so ids do not explode the metric's labels). */
    private static String route(io.javalin.http.Context ctx) {
        try {
            var endpoint = ctx.endpoint();
            return endpoint == null ? "unmatched" : endpoint.path;
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }
}
