package dev.e2bgateway.config;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outbound proxy for upstream calls: {@code E2B_PROXY} ({@code http://[user:pass@]host:port}
 * or {@code socks5://[user:pass@]host:port}), else the usual {@code HTTPS_PROXY} /
 * {@code HTTP_PROXY} (chosen by the upstream's scheme) with {@code NO_PROXY}.
 *
 * @param proxy    the proxy URI for https upstreams (null: direct)
 * @param httpProxy the proxy URI for plain-http upstreams (null: direct)
 * @param noProxy  host suffixes that bypass the proxy ({@code *} for all)
 * @param source   the variable the proxy came from, for the startup log
 */
public record ProxySettings(URI proxy, URI httpProxy, List<String> noProxy, String source) {

    public static final ProxySettings NONE = new ProxySettings(null, null, List.of(), null);

    static ProxySettings from(Map<String, String> env) {
        String explicit = value(env, "E2B_PROXY");
        if (explicit != null) {
            URI uri = parse("E2B_PROXY", explicit);
            return new ProxySettings(uri, uri, List.of(), "E2B_PROXY");
        }
        String https = first(env, "HTTPS_PROXY", "https_proxy");
        String http = first(env, "HTTP_PROXY", "http_proxy");
        if (https == null && http == null) return NONE;
        String noProxy = first(env, "NO_PROXY", "no_proxy");
        List<String> bypass = noProxy == null ? List.of() : Arrays.stream(noProxy.split(","))
                .map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).toList();
        return new ProxySettings(https == null ? null : parse("HTTPS_PROXY", https),
                http == null ? null : parse("HTTP_PROXY", http), bypass, https != null ? "HTTPS_PROXY" : "HTTP_PROXY");
    }

    /** One proxy for every call ({@code http://} or {@code socks5://}, credentials in the URL), named after where it was set. */
    public static ProxySettings of(String source, String url) {
        URI uri = parse(source, url);
        return new ProxySettings(uri, uri, List.of(), source);
    }

    /** The proxy for this upstream host and scheme, or null to go direct. */
    public URI proxyFor(String scheme, String host) {
        URI chosen = "https".equals(scheme) ? proxy : httpProxy;
        if (chosen == null) return null;
        String h = host.toLowerCase(Locale.ROOT);
        for (String rule : noProxy) {
            if (rule.equals("*")) return null;
            String suffix = rule.startsWith(".") ? rule : "." + rule;
            if (h.equals(rule.replaceFirst("^\\.", "")) || h.endsWith(suffix)) return null;
        }
        return chosen;
    }

    /** For logs: the proxy with any password hidden. */
    public static String describe(URI uri) {
        if (uri == null) return "none";
        String user = uri.getUserInfo() == null ? "" : uri.getUserInfo().split(":", 2)[0] + ":***@";
        return uri.getScheme() + "://" + user + uri.getHost() + ":" + uri.getPort();
    }

    private static URI parse(String variable, String value) {
        String v = value.contains("://") ? value : "http://" + value;
        try {
            URI uri = URI.create(v);
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            if (!List.of("http", "socks5", "socks").contains(scheme) || uri.getHost() == null || uri.getPort() < 0) {
                throw new ConfigException(variable, "must be http://[user:pass@]host:port or socks5://[user:pass@]host:port");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(variable, "must be http://[user:pass@]host:port or socks5://[user:pass@]host:port");
        }
    }

    private static String value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static String first(Map<String, String> env, String... names) {
        for (String n : names) {
            String v = value(env, n);
            if (v != null) return v;
        }
        return null;
    }
}
