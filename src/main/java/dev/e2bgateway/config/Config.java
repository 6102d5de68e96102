package dev.e2bgateway.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Every setting of the gateway, read once at startup by {@code Main}, in small groups. Nothing
 * else reads the environment. {@link #from(Map)} is a pure function so tests can build any
 * configuration.
 *
 * @param modelsFile a models file to apply over the built-in catalog, or null
 * @param responses  where the Responses API keeps stored responses
 * @param reload     how the settings files are watched for changes
 * @param interpreter the built-in code interpreter (E2B_CODE_INTERPRETER)
 * @param gemini     the Gemini door's model rule (E2B_GEMINI_MODEL)
 * @param ollama     the Ollama API front door (E2B_OLLAMA)
 */
public record Config(Server server, Upstream upstream, Timeouts timeouts, Retry retry, Path modelsFile, Responses responses,
                     Reload reload, Interpreter interpreter, Gemini gemini, Ollama ollama) {

    /**
     * The Gemini door (docs/api-gemini.md).
     *
     * @param defaultModel the catalog model that answers a Gemini model name the catalog lacks
     *                     (E2B_GEMINI_MODEL); null: such a name is a 404
     */
    public record Gemini(String defaultModel) {}

    /**
     * The Ollama API front door ({@code /api/chat}, {@code /api/tags}, ...): off unless E2B_OLLAMA=on.
     *
     * @param keyless whether requests that present no key are let in (E2B_OLLAMA_KEYLESS): only
     *                allowed while the gateway listens on loopback, for local apps that cannot send one
     * @param origins browser origins besides loopback's that keyless requests may come from
     *                (E2B_OLLAMA_ORIGINS: exact, or a prefix ending in {@code *})
     */
    public record Ollama(boolean enabled, boolean keyless, List<String> origins) {}

    /**
     * The code interpreter the Responses and Messages APIs offer as a built-in tool: off unless
     * E2B_CODE_INTERPRETER=on, because the code runs on the E2B account of the Fragments
     * deployment the gateway calls (docs/upstream.md, "The sandbox").
     *
     * @param timeout the longest wait for one cell's answer (E2B_SANDBOX_TIMEOUT_MS); the route itself stops at 60 s
     * @param cellsPerTurn cells run in one turn, all rounds together (E2B_INTERPRETER_CELLS_PER_TURN); later ones are not run
     * @param cellOutputChars characters of one cell's output kept for the client (E2B_INTERPRETER_CELL_OUTPUT_CHARS),
     *                        read off the connection with that cap
     * @param turnOutputChars characters of all the cells' output of one turn kept (E2B_INTERPRETER_TURN_OUTPUT_CHARS)
     */
    public record Interpreter(boolean enabled, Duration timeout, int cellsPerTurn, long cellOutputChars, long turnOutputChars) {

    }

    /**
     * How clients reach the gateway.
     *
     * @param hostDefaultedToLoopback the host is loopback only because the key is the well-known one
     * @param allowedHosts            Host names the gateway answers to besides loopback's (E2B_ALLOWED_HOSTS), or null
     */
    public record Server(List<String> apiKeys, String host, boolean hostDefaultedToLoopback, int port,
                         long maxBodyBytes, boolean virtualThreads, Duration shutdownGrace, boolean metricsPublic,
                         Duration disconnectWatchDelay, List<String> allowedHosts, KeyLimits keyLimits, Path keysFile) {}

    /** Each key's default limits (E2B_KEY_RPM, E2B_KEY_RPD, E2B_KEY_CONCURRENCY); 0: none. */
    public record KeyLimits(int rpm, int rpd, int concurrency) {}

    /**
     * Where the upstream is and how to get there.
     *
     * @param providerKeys model-provider keys sent upstream as {@code config.apiKey} (E2B_PROVIDER_KEYS)
     */
    public record Upstream(URI baseUrl, ProxySettings proxy, ProviderKeys providerKeys, List<URI> baseUrls, Path upstreamsFile) {}

    /**
     * @param connect   to open a connection to the upstream
     * @param firstByte for the upstream's response headers
     * @param idle      the longest gap between two reads of the upstream's body
     */
    public record Timeouts(Duration connect, Duration firstByte, Duration idle) {}

    /** Upstream attempts in all, and the base of the exponential backoff between them. */
    public record Retry(int maxAttempts, Duration delay) {}

    /**
     * Stored responses of the Responses API ({@code store: true}): in memory, at most
     * {@code maxStored} of them and {@code maxStoredBytes} in all, or in Redis when
     * {@code redisUrl} is set; either way each one expires {@code ttl} after its last use.
     *
     * @param redisUrl {@code redis://[user:pass@]host:port/db} (or {@code rediss://}), or null
     */
    public record Responses(int maxStored, long maxStoredBytes, Duration ttl, URI redisUrl) {

        /** The Redis URL with its password masked, for logs. */
        public String describeRedis() {
            if (redisUrl == null) return "(none)";
            String userInfo = redisUrl.getRawUserInfo();
            if (userInfo == null) return redisUrl.toString();
            int colon = userInfo.indexOf(':');
            String masked = colon < 0 ? "***" : userInfo.substring(0, colon) + ":***";
            return redisUrl.toString().replace(userInfo + "@", masked + "@");
        }
    }

    /**
     * The keys, models and upstreams files are re-read on SIGHUP and, with {@code watch}, when one
     * changes on disk: each is looked at every {@code interval} (E2B_CONFIG_WATCH, E2B_CONFIG_WATCH_MS).
     */
    public record Reload(boolean watch, Duration interval) {}

    /** The key the original service shipped with; anyone can guess it. */
    public static final String WELL_KNOWN_KEY = "sk-123456";

    public static Config defaults() {
        return from(Map.of());
    }

    /** Builds the configuration from variables (environment merged over .env); throws on a bad value. */
    public static Config from(Map<String, String> env) {
        Reader r = new Reader(env);
        // With a keys file and no E2B_API_KEY, the well-known default key is not accepted.
        boolean keysFile = r.raw("E2B_KEYS_FILE") != null;
        List<String> keys = Arrays.stream(r.string("E2B_API_KEY", keysFile ? "" : WELL_KNOWN_KEY).split(","))
                .map(String::trim).filter(k -> !k.isEmpty()).toList();
        if (keys.isEmpty() && !keysFile) throw new ConfigException("E2B_API_KEY", "must name at least one key");
        String explicitHost = r.raw("E2B_HOST");
        boolean openKey = keys.contains(WELL_KNOWN_KEY);
        String host = explicitHost != null ? explicitHost : openKey ? "127.0.0.1" : "0.0.0.0";
        return new Config(
                new Server(keys, host, explicitHost == null && openKey,
                        r.integer("E2B_PORT", 8080, 0, 65535),
                        r.integer("E2B_MAX_BODY_BYTES", 8 * 1024 * 1024, 1024, Integer.MAX_VALUE),
                        r.bool("E2B_VIRTUAL_THREADS", true),
                        r.millis("E2B_SHUTDOWN_GRACE_MS", 30_000),
                        r.bool("E2B_METRICS_PUBLIC", false),
                        r.millis("E2B_DISCONNECT_WATCH_DELAY_MS", 100),
                        r.raw("E2B_ALLOWED_HOSTS") == null ? null : Arrays.stream(r.raw("E2B_ALLOWED_HOSTS").split(","))
                                .map(String::trim).filter(h -> !h.isEmpty()).toList(),
                        new KeyLimits(r.integer("E2B_KEY_RPM", 0, 0, Integer.MAX_VALUE), r.integer("E2B_KEY_RPD", 0, 0, Integer.MAX_VALUE),
                                r.integer("E2B_KEY_CONCURRENCY", 0, 0, Integer.MAX_VALUE)),
                        r.file("E2B_KEYS_FILE")),
                upstream(r, env),
                new Timeouts(r.millis("E2B_CONNECT_TIMEOUT_MS", 10_000),
                        r.millis("E2B_FIRST_BYTE_TIMEOUT_MS", 120_000),
                        r.millis("E2B_IDLE_TIMEOUT_MS", 300_000)),
                new Retry(r.integer("E2B_RETRY_MAX_ATTEMPTS", 2, 1, 10), r.millis("E2B_RETRY_DELAY_MS", 500)),
                r.file("E2B_MODELS_FILE"),
                new Responses(r.integer("E2B_RESPONSES_MAX_STORED", 1000, 1, Integer.MAX_VALUE),
                        r.integer("E2B_RESPONSES_MAX_STORED_MB", 64, 1, 1 << 20) * 1024L * 1024L,
                        r.duration("E2B_RESPONSES_TTL", Duration.ofDays(30)),
                        r.redisUrl("E2B_REDIS_URL")),
                new Reload(r.bool("E2B_CONFIG_WATCH", true),
                        Duration.ofMillis(r.integer("E2B_CONFIG_WATCH_MS", 1000, 50, 3_600_000))),
                new Interpreter(r.bool("E2B_CODE_INTERPRETER", false), r.millis("E2B_SANDBOX_TIMEOUT_MS", 65_000),
                        r.integer("E2B_INTERPRETER_CELLS_PER_TURN", 8, 1, 1000),
                        r.integer("E2B_INTERPRETER_CELL_OUTPUT_CHARS", 1 << 20, 1000, 32 << 20),
                        r.integer("E2B_INTERPRETER_TURN_OUTPUT_CHARS", 4 << 20, 1000, 256 << 20)),
                new Gemini(r.raw("E2B_GEMINI_MODEL")),
                ollama(r, host));
    }

    /** E2B_OLLAMA_KEYLESS lets in whoever can reach the port: refused unless that is this machine alone. */
    private static Ollama ollama(Reader r, String host) {
        boolean keyless = r.bool("E2B_OLLAMA_KEYLESS", false);
        if (keyless && !loopback(host)) {
            throw new ConfigException("E2B_OLLAMA_KEYLESS", "is on, but the gateway listens on " + host + ", not on loopback:"
                    + " requests without a key are only let in on 127.0.0.1 (set E2B_HOST=127.0.0.1, or give the apps a key)");
        }
        String origins = r.string("E2B_OLLAMA_ORIGINS", "");
        return new Ollama(r.bool("E2B_OLLAMA", false), keyless,
                Arrays.stream(origins.split(",")).map(String::trim).filter(o -> !o.isEmpty()).toList());
    }

    /** E2B_BASE_URL may list several base URLs, comma-separated: each is a route (the first is shown as "the" upstream). */
    private static Upstream upstream(Reader r, Map<String, String> env) {
        String raw = r.string("E2B_BASE_URL", "https://fragments.e2b.dev");
        List<URI> urls = Arrays.stream(raw.split(",")).map(String::trim).filter(u -> !u.isEmpty())
                .map(u -> new Reader(Map.of("E2B_BASE_URL", u)).httpUrl("E2B_BASE_URL", "https://fragments.e2b.dev")).toList();
        if (urls.isEmpty()) throw new ConfigException("E2B_BASE_URL", "must name at least one URL");
        return new Upstream(urls.get(0), ProxySettings.from(env), ProviderKeys.parse("E2B_PROVIDER_KEYS", r.raw("E2B_PROVIDER_KEYS")),
                urls, r.file("E2B_UPSTREAMS_FILE"));
    }

    /** Whether a bind address is this machine's alone. */
    public static boolean loopback(String host) {
        String h = host.toLowerCase(java.util.Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]");
    }

    /** A key shortened for logs: its first 4 characters (enough to tell "sk-a" from "sk-p"), then "..."; a short one shows 1. */
    public static String mask(String key) {
        if (key == null || key.isEmpty()) return "(none)";
        return key.length() <= 12 ? key.charAt(0) + "..." : key.substring(0, 4) + "...";
    }

    private record Reader(Map<String, String> env) {

        String raw(String name) {
            String v = env.get(name);
            return v == null || v.isBlank() ? null : v.trim();
        }

        String string(String name, String fallback) {
            String v = raw(name);
            return v == null ? fallback : v;
        }

        int integer(String name, int fallback, int min, int max) {
            return parse(name, fallback, v -> {
                long n = Long.parseLong(v);
                if (n < min || n > max) throw new ConfigException(name, "must be between " + min + " and " + max + ", got " + v);
                return (int) n;
            });
        }

        Duration millis(String name, long fallback) {
            return parse(name, Duration.ofMillis(fallback), v -> {
                long n = Long.parseLong(v);
                if (n < 0) throw new ConfigException(name, "must not be negative, got " + v);
                return Duration.ofMillis(n);
            });
        }

        /** A duration: whole seconds, or a number with a unit {@code s}, {@code m}, {@code h} or {@code d} ("30d"). */
        Duration duration(String name, Duration fallback) {
            return parse(name, fallback, v -> {
                char unit = Character.toLowerCase(v.charAt(v.length() - 1));
                String digits = Character.isDigit(unit) ? v : v.substring(0, v.length() - 1).trim();
                long n = Long.parseLong(digits);
                if (n < 1) throw new ConfigException(name, "must be at least 1 second, got " + v);
                return switch (unit) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    case 'd' -> Duration.ofDays(n);
                    default -> {
                        if (!Character.isDigit(unit)) {
                            throw new ConfigException(name, "must be seconds or a number with s, m, h or d (e.g. 30d), got " + v);
                        }
                        yield Duration.ofSeconds(n);
                    }
                };
            });
        }

        /** {@code redis://[user:pass@]host[:port][/db]} or {@code rediss://...}; null when unset. */
        URI redisUrl(String name) {
            return parse(name, null, v -> {
                String masked = v.replaceAll("//[^@/]*@", "//***@"); // never log the password
                URI uri;
                try {
                    uri = URI.create(v);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name, "is not a URL: " + masked);
                }
                if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw new ConfigException(name, "must be redis://[user:pass@]host:port/db or rediss://..., got " + masked);
                }
                String path = uri.getPath() == null ? "" : uri.getPath();
                if (!path.isEmpty() && !path.equals("/") && !path.substring(1).matches("\\d{1,5}")) {
                    throw new ConfigException(name, "names database '" + path.substring(1) + "', not a number, in " + masked);
                }
                return uri;
            });
        }

        boolean bool(String name, boolean fallback) {
            return parse(name, fallback, v -> switch (v.toLowerCase()) {
                case "true", "1", "yes", "on" -> true;
                case "false", "0", "no", "off" -> false;
                default -> throw new ConfigException(name, "must be true or false, got " + v);
            });
        }

        Path file(String name) {
            String v = raw(name);
            if (v == null) return null;
            Path path = Path.of(v);
            if (!java.nio.file.Files.isRegularFile(path)) throw new ConfigException(name, "names no readable file: " + v);
            return path;
        }

        URI httpUrl(String name, String fallback) {
            return parse(name, URI.create(fallback), v -> {
                URI uri = URI.create(v.endsWith("/") ? v.substring(0, v.length() - 1) : v);
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw new ConfigException(name, "must be an http(s) URL, got " + v);
                }
                return uri;
            });
        }

        private <T> T parse(String name, T fallback, Function<String, T> parser) {
            String v = raw(name);
            if (v == null) return fallback;
            try {
                return parser.apply(v);
            } catch (ConfigException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new ConfigException(name, "is not valid: " + v);
            }
        }
    }
}
