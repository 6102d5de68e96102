package dev.e2bgateway.http;

import dev.e2bgateway.config.Config;
import dev.e2bgateway.error.ApiError;
import io.javalin.http.Context;

import java.util.List;
import java.util.Locale;

/**
 * Refuses requests whose {@code Host} is not one the gateway answers to, against DNS
 * rebinding: a web page whose own domain is rebound to 127.0.0.1 would otherwise drive a local
 * gateway same-origin. Bound to loopback, the gateway answers to {@code localhost},
 * {@code 127.0.0.1} and {@code [::1]} (any port) and to {@code E2B_ALLOWED_HOSTS}; bound
 * elsewhere, to every host unless {@code E2B_ALLOWED_HOSTS} is set. Entries are exact names or
 * {@code .suffix} (the domain and its subdomains).
 */
public final class HostCheck {

    private static final List<String> LOOPBACK_NAMES = List.of("localhost", "127.0.0.1", "::1");

    private final boolean loopbackOnly;
    private final List<String> allowed;

    /** @param allowed {@code E2B_ALLOWED_HOSTS}, or null when it is not set */
    public HostCheck(String bindHost, List<String> allowed) {
        this.loopbackOnly = Config.loopback(bindHost);
        this.allowed = allowed == null ? null : allowed.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    }

    public void check(Context ctx) {
        String header = ctx.header("Host");
        if (header == null || header.isBlank()) return; // no browser sends a request without one
        String name = name(header.trim().toLowerCase(Locale.ROOT));
        if (accepts(name)) return;
        throw new ApiError(ApiError.Kind.PERMISSION, null, "host_not_allowed", "The Host '" + printable(name)
                + "' is not one this gateway answers to" + (loopbackOnly ? " (it listens on loopback: localhost, 127.0.0.1 and [::1])" : "")
                + ". Add it to E2B_ALLOWED_HOSTS to allow it.", false, null);
    }

    boolean accepts(String name) {
        if (allowed == null && !loopbackOnly) return true;
        if (loopbackOnly && LOOPBACK_NAMES.contains(name)) return true;
        if (allowed == null) return false;
        for (String entry : allowed) {
            if (entry.startsWith(".") ? name.equals(entry.substring(1)) || name.endsWith(entry) : name.equals(entry)) return true;
        }
        return false;
    }

    /** The host name without its port; an IPv6 literal without its brackets. */
    static String name(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(1, end);
        }
        int colon = host.lastIndexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    private static String printable(String s) {
        String cut = s.length() > 100 ? s.substring(0, 100) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
