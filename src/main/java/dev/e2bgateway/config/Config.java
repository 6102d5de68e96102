package dev.e2bgateway.config;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Every setting of the gateway, read once at startup by {@code Main}. Nothing else reads the
 * environment. {@link #from(Map)} is a pure function so tests can build any configuration.
 */
public record Config(
        List<String> apiKeys,
        String host,
        boolean hostDefaultedToLoopback,
        int port,
        URI baseUrl,
        long maxBodyBytes,
        Duration connectTimeout,
        Duration firstByteTimeout,
        Duration idleTimeout,
        int retryMaxAttempts,
        Duration retryDelay,
        Duration shutdownGrace,
        boolean virtualThreads,
        java.nio.file.Path modelsFile,
        boolean metricsPublic,
        ProxySettings proxy) {

    /** The key the original service shipped with; anyone can guess it. */
    public static final String WELL_KNOWN_KEY = "sk-123456";

    public static Config defaults() {
        return from(Map.of());
    }

    /** Builds the configuration from variables (environment merged over .env); throws on a bad value. */
    public static Config from(Map<String, String> env) {
        Reader r = new Reader(env);
        List<String> keys = Arrays.stream(r.string("E2B_API_KEY", WELL_KNOWN_KEY).split(","))
                .map(String::trim).filter(k -> !k.isEmpty()).toList();
        if (keys.isEmpty()) throw new ConfigException("E2B_API_KEY", "must name at least one key");
        String explicitHost = r.raw("E2B_HOST");
        boolean openKey = keys.contains(WELL_KNOWN_KEY);
        String host = explicitHost != null ? explicitHost : openKey ? "127.0.0.1" : "0.0.0.0";
        return new Config(
                keys,
                host,
                explicitHost == null && openKey,
                r.integer("E2B_PORT", 8080, 0, 65535),
                r.httpUrl("E2B_BASE_URL", "https://fragments.e2b.dev"),
                r.integer("E2B_MAX_BODY_BYTES", 8 * 1024 * 1024, 1024, Integer.MAX_VALUE),
                r.millis("E2B_CONNECT_TIMEOUT_MS", 10_000),
                r.millis("E2B_FIRST_BYTE_TIMEOUT_MS", 120_000),
                r.millis("E2B_IDLE_TIMEOUT_MS", 300_000),
                r.integer("E2B_RETRY_MAX_ATTEMPTS", 2, 1, 10),
                r.millis("E2B_RETRY_DELAY_MS", 500),
                r.millis("E2B_SHUTDOWN_GRACE_MS", 30_000),
                r.bool("E2B_VIRTUAL_THREADS", true),
                r.file("E2B_MODELS_FILE"),
                r.bool("E2B_METRICS_PUBLIC", false),
                ProxySettings.from(env));
    }

    /** A key shortened for logs: its first 8 characters, then "...". */
    public static String mask(String key) {
        if (key == null || key.isEmpty()) return "(none)";
        return key.length() <= 8 ? key.charAt(0) + "..." : key.substring(0, 8) + "...";
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

        boolean bool(String name, boolean fallback) {
            return parse(name, fallback, v -> switch (v.toLowerCase()) {
                case "true", "1", "yes", "on" -> true;
                case "false", "0", "no", "off" -> false;
                default -> throw new ConfigException(name, "must be true or false, got " + v);
            });
        }

        java.nio.file.Path file(String name) {
            String v = raw(name);
            if (v == null) return null;
            java.nio.file.Path path = java.nio.file.Path.of(v);
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
