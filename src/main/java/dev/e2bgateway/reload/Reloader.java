package dev.e2bgateway.reload;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.config.Config;
import dev.e2bgateway.config.ConfigException;
import dev.e2bgateway.config.UpstreamsFile;
import dev.e2bgateway.core.Route;
import dev.e2bgateway.core.RouteTable;
import dev.e2bgateway.http.ClientKey;
import dev.e2bgateway.http.ClientKeys;
import dev.e2bgateway.models.ModelCatalog;
import dev.e2bgateway.models.ModelRegistry;
import dev.e2bgateway.state.RouteMarks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Holds the {@link Settings} in use and replaces them when a settings file changes: on SIGHUP
 * ({@link #reloadAll}) and, with E2B_CONFIG_WATCH, when a file changes on disk ({@link FileStamps}).
 * Each file is read once, hashed and, if its bytes are new, parsed by the same loader as at
 * startup: a valid file takes effect for the requests that start after it; a broken one is
 * refused with the loader's message (file, entry, field) on one log line and the version in
 * use stays. Routes whose name and URL are unchanged keep their breaker and daily-limit state.
 * Reloads run one at a time on one thread of their own.
 */
public final class Reloader implements AutoCloseable {

    /** How the routes are built; the wiring knows the HTTP clients and where route marks are shared. */
    public interface Routes {

        /** The routes of an upstreams file's entries (null: those of E2B_BASE_URL), with {@code models}' provider keys. */
        List<Route> build(List<UpstreamsFile.RouteSettings> upstreams, ModelRegistry models);

        /** Where routes named so share their daily limits. */
        RouteMarks marks(List<String> names);

        /** How long a route's trial request may go without a verdict before it counts as failed. */
        long trialMillis();
    }

    /** The last look at a file, for the config endpoint. */
    public record Attempt(Outcome outcome, long atMillis) {}

    private static final Logger log = LoggerFactory.getLogger(Reloader.class);

    private final Config config;
    private final ObjectMapper json;
    private final Routes routes;
    private final LongSupplier clock;
    private final BiConsumer<SettingsFile, Outcome> counted;
    private final Consumer<RouteTable> routesChanged;
    private final Map<SettingsFile, Path> files = new EnumMap<>(SettingsFile.class);
    private final FileStamps stamps;
    private final AtomicReference<Settings> current = new AtomicReference<>();
    private final Map<SettingsFile, Attempt> attempts = new ConcurrentHashMap<>();
    private final ScheduledExecutorService worker;

    /**
     * Loads every settings file (a broken one throws {@link ConfigException}: startup stops), then,
     * with {@code config.reload().watch()}, looks at the files every {@code config.reload().interval()}.
     *
     * @param counted       told of every look at a file (metrics)
     * @param routesChanged told of each new route table, the first included (metrics)
     */
    public Reloader(Config config, ObjectMapper json, Routes routes, LongSupplier clock,
                    BiConsumer<SettingsFile, Outcome> counted, Consumer<RouteTable> routesChanged) {
        this.config = config;
        this.json = json;
        this.routes = routes;
        this.clock = clock;
        this.counted = counted;
        this.routesChanged = routesChanged;
        if (config.server().keysFile() != null) files.put(SettingsFile.KEYS, config.server().keysFile());
        if (config.modelsFile() != null) files.put(SettingsFile.MODELS, config.modelsFile());
        if (config.upstream().upstreamsFile() != null) files.put(SettingsFile.UPSTREAMS, config.upstream().upstreamsFile());
        this.stamps = new FileStamps(files);
        current.set(initial());
        routesChanged.accept(current.get().routes());
        worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "config-reload");
            t.setDaemon(true);
            return t;
        });
        if (config.reload().watch() && !files.isEmpty()) {
            long every = config.reload().interval().toMillis();
            worker.scheduleWithFixedDelay(this::look, every, every, TimeUnit.MILLISECONDS);
            log.info("watching {} for changes every {} ms (and reloading on SIGHUP)", files.values(), every);
        }
    }

    /** The settings in use. Read them once per request and keep what was read. */
    public Settings current() {
        return current.get();
    }

    /** The settings files given, by kind. */
    public Map<SettingsFile, Path> files() {
        return Map.copyOf(files);
    }

    /** The last look at each file since startup (none yet: absent). */
    public Map<SettingsFile, Attempt> attempts() {
        return Map.copyOf(attempts);
    }

    /** Re-reads every settings file, on the reload thread (SIGHUP). */
    public CompletableFuture<Map<SettingsFile, Outcome>> reloadAll(String why) {
        try {
            return CompletableFuture.supplyAsync(() -> reload(files.keySet(), why), worker)
                    .whenComplete((outcomes, failure) -> {
                        if (failure != null) log.error("reloading the settings files ({}) failed", why, failure);
                    });
        } catch (RejectedExecutionException e) {
            log.info("not reloading ({}): the gateway is stopping", why);
            return CompletableFuture.completedFuture(Map.of());
        }
    }

    private void look() {
        try {
            Set<SettingsFile> changed = stamps.settledChanges();
            if (!changed.isEmpty()) reload(changed, "file watch");
        } catch (RuntimeException e) {
            // A look that failed must not end the watching (a scheduled task that throws is never run again).
            log.error("looking at the settings files failed", e);
        }
    }

    private Settings initial() {
        Map<SettingsFile, FileStamps.Stamp> seen = stamps.look(files.keySet());
        long now = clock.getAsLong();
        Map<SettingsFile, byte[]> content = new EnumMap<>(SettingsFile.class);
        Map<SettingsFile, Version> versions = new EnumMap<>(SettingsFile.class);
        files.forEach((file, path) -> {
            byte[] bytes = read(file, path);
            content.put(file, bytes);
            versions.put(file, new Version(sha256(bytes), now));
        });
        List<ClientKey> keys = ClientKeys.load(config.server(), json, content.get(SettingsFile.KEYS));
        ModelRegistry models = new ModelCatalog(json).load(config.modelsFile(), content.get(SettingsFile.MODELS));
        List<UpstreamsFile.RouteSettings> upstreams = files.containsKey(SettingsFile.UPSTREAMS)
                ? UpstreamsFile.load(files.get(SettingsFile.UPSTREAMS), content.get(SettingsFile.UPSTREAMS), json) : null;
        List<Route> built = routes.build(upstreams, models);
        stamps.read(seen);
        return new Settings(keys, models, upstreams, new RouteTable(built, clock, routes.marks(names(built)), routes.trialMillis()), versions);
    }

    /** Reads {@code which} and swaps in what is new and valid; one reload at a time. */
    synchronized Map<SettingsFile, Outcome> reload(Set<SettingsFile> which, String why) {
        if (files.isEmpty()) {
            log.info("nothing to reload ({}): no E2B_KEYS_FILE, E2B_MODELS_FILE or E2B_UPSTREAMS_FILE was given", why);
            return Map.of();
        }
        Map<SettingsFile, FileStamps.Stamp> seen = stamps.look(which);
        Settings old = current.get();
        long now = clock.getAsLong();
        Map<SettingsFile, Outcome> outcomes = new EnumMap<>(SettingsFile.class);
        Map<SettingsFile, Version> versions = new EnumMap<>(old.versions());
        List<ClientKey> keys = old.keys();
        ModelRegistry models = old.models();
        List<UpstreamsFile.RouteSettings> upstreams = old.upstreams();
        for (SettingsFile file : SettingsFile.values()) {
            if (!which.contains(file) || !files.containsKey(file)) continue;
            Path path = files.get(file);
            try {
                byte[] bytes = read(file, path);
                String hash = sha256(bytes);
                if (hash.equals(old.versions().get(file).sha256())) {
                    outcomes.put(file, Outcome.UNCHANGED);
                    continue;
                }
                switch (file) {
                    case KEYS -> keys = ClientKeys.load(config.server(), json, bytes);
                    case MODELS -> models = new ModelCatalog(json).load(path, bytes);
                    case UPSTREAMS -> upstreams = UpstreamsFile.load(path, bytes, json);
                }
                versions.put(file, new Version(hash, now));
                outcomes.put(file, Outcome.OK);
            } catch (ConfigException e) {
                refuse(file, e, old, outcomes);
            } catch (RuntimeException e) {
                // A loader's own bug must not end the reloading, nor go unsaid: the file is refused like a broken one.
                log.error("{} {}: loading failed", file.variable, path, e);
                refuse(file, new ConfigException(file.variable + " " + path + ": cannot be loaded: " + e), old, outcomes);
            }
        }
        RouteTable table = old.routes();
        boolean newModels = outcomes.get(SettingsFile.MODELS) == Outcome.OK;
        if (newModels || outcomes.get(SettingsFile.UPSTREAMS) == Outcome.OK) {
            try {
                table = successor(old.routes(), routes.build(upstreams, models));
            } catch (ConfigException e) {
                // The routes' own checks (a provider the upstream does not know) fail the file that brought the route.
                SettingsFile blamed = outcomes.get(SettingsFile.UPSTREAMS) == Outcome.OK ? SettingsFile.UPSTREAMS : SettingsFile.MODELS;
                refuse(blamed, e, old, outcomes);
                versions.put(blamed, old.versions().get(blamed));
                if (blamed == SettingsFile.MODELS) {
                    models = old.models();
                } else {
                    upstreams = old.upstreams();
                    if (newModels) table = successor(old.routes(), routes.build(upstreams, models)); // new provider keys, old routes
                }
            }
        }
        Settings next = new Settings(keys, models, upstreams, table, versions);
        if (outcomes.containsValue(Outcome.OK)) {
            current.set(next);
            if (table != old.routes()) routesChanged.accept(table);
        }
        stamps.read(seen);
        outcomes.forEach((file, outcome) -> {
            counted.accept(file, outcome);
            if (outcome != Outcome.REFUSED) attempts.put(file, new Attempt(outcome, now));
            if (outcome == Outcome.OK) log.info("{} {} reloaded ({}): sha256 {}, {}", file.variable, files.get(file), why,
                    versions.get(file).shortHash(), summary(file, next));
            if (outcome == Outcome.UNCHANGED) log.info("{} {} unchanged ({}): sha256 {}", file.variable, files.get(file), why,
                    versions.get(file).shortHash());
        });
        return outcomes;
    }

    private void refuse(SettingsFile file, ConfigException e, Settings old, Map<SettingsFile, Outcome> outcomes) {
        Version kept = old.versions().get(file);
        // One line: the loader's message names the file, the entry and the field.
        log.warn("{} -- refused, still in use: the version loaded at {} (sha256 {})", e.getMessage(), kept.loadedAt(), kept.shortHash());
        outcomes.put(file, Outcome.REFUSED);
        attempts.put(file, new Attempt(Outcome.REFUSED, clock.getAsLong()));
    }

    private RouteTable successor(RouteTable old, List<Route> built) {
        return old.successor(built, routes.marks(names(built)));
    }

    private static String summary(SettingsFile file, Settings s) {
        return switch (file) {
            case KEYS -> s.keys().size() + " keys";
            case MODELS -> s.models().all().size() + " models";
            case UPSTREAMS -> s.routes().size() + " routes";
        };
    }

    private static List<String> names(List<Route> routes) {
        return routes.stream().map(Route::name).toList();
    }

    private static byte[] read(SettingsFile file, Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new ConfigException(file.variable + " " + path + ": cannot be read: " + e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
