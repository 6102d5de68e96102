package dev.e2bgateway.http;

import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.error.LogSafe;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.util.List;
import java.util.Locale;

/**
 * The key check of a door whose clients often send no key (Ollama apps), when the operator lets
 * them in without one (E2B_OLLAMA_KEYLESS, only while the gateway listens on loopback): a request
 * with a key is checked as everywhere; one without is let in as the {@code keyless} key, with the
 * default limits. Browsers are the catch: any web page could send such a request to a gateway on
 * this machine, so one that carries an {@code Origin} is let in without a key only from a loopback
 * page, a desktop app's page ({@code app://}, {@code file://}, {@code tauri://},
 * {@code vscode-webview://}, {@code vscode-file://}), or an origin the operator listed
 * (E2B_OLLAMA_ORIGINS, e.g. {@code chrome-extension://<id>}), as Ollama itself allows.
 */
public final class KeylessAccess {

    private static final List<String> APP_SCHEMES = List.of("app://", "file://", "tauri://", "vscode-webview://", "vscode-file://");

    private final Auth auth;
    private final ClientKey keyless;
    private final List<String> origins;

    /** @param origins exact origins, or prefixes ending in {@code *} */
    public KeylessAccess(Auth auth, ClientKey keyless, List<String> origins) {
        this.auth = auth;
        this.keyless = keyless;
        this.origins = List.copyOf(origins);
    }

    public void check(Context ctx) {
        if (ctx.method() == HandlerType.OPTIONS) return;
        if (Auth.presentedKey(ctx) != null) {
            auth.check(ctx);
            return;
        }
        String origin = ctx.header("Origin");
        if (origin != null && !allowed(origin.trim().toLowerCase(Locale.ROOT))) {
            throw new ApiError(ApiError.Kind.PERMISSION, null, "origin_not_allowed", "Requests without a key are not accepted from the"
                    + " web page at " + LogSafe.text(origin) + ": send 'Authorization: Bearer <key>', or ask the operator to add the"
                    + " origin to E2B_OLLAMA_ORIGINS.", false, null);
        }
        auth.admit(ctx, keyless);
    }

    boolean allowed(String origin) {
        if (APP_SCHEMES.stream().anyMatch(origin::startsWith)) return true;
        for (String scheme : List.of("http://", "https://")) {
            if (origin.startsWith(scheme) && loopbackName(HostCheck.name(origin.substring(scheme.length())))) return true;
        }
        for (String allowed : origins) {
            String a = allowed.toLowerCase(Locale.ROOT);
            if (a.endsWith("*") ? origin.startsWith(a.substring(0, a.length() - 1)) : origin.equals(a)) return true;
        }
        return false;
    }

    /** Exactly a loopback name or address: 127.0.0.1.example.com is not. */
    private static boolean loopbackName(String host) {
        return host.equals("localhost") || host.equals("::1") || host.matches("127(\\.\\d{1,3}){3}");
    }
}
