package dev.e2bgateway.upstream;

import dev.e2bgateway.config.ProxySettings;
import okhttp3.Credentials;
import okhttp3.OkHttpClient;

import java.io.IOException;
import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** Routes upstream calls through the configured HTTP or SOCKS5 proxy, with its credentials. */
public final class OutboundProxy {

    private OutboundProxy() {
    }

    public static void configure(OkHttpClient.Builder builder, ProxySettings settings) {
        if (settings.proxy() == null && settings.httpProxy() == null) {
            builder.proxy(Proxy.NO_PROXY); // not the JVM's system properties either: the settings say direct
            return;
        }
        builder.proxySelector(new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                URI p = settings.proxyFor(uri.getScheme(), uri.getHost());
                return List.of(p == null ? Proxy.NO_PROXY : toProxy(p));
            }

            @Override
            public void connectFailed(URI uri, SocketAddress address, IOException e) {
                // OkHttp reports the failure to the caller; nothing to remember here
            }
        });
        // HTTP proxies ask with 407; answer with the credentials from the proxy URL.
        builder.proxyAuthenticator((route, response) -> {
            if (route == null || response.request().header("Proxy-Authorization") != null) return null;
            URI p = settings.proxyFor(route.address().url().scheme(), route.address().url().host());
            String[] user = credentials(p);
            if (user == null) return null;
            return response.request().newBuilder().header("Proxy-Authorization", Credentials.basic(user[0], user[1])).build();
        });
        for (URI p : new URI[]{settings.proxy(), settings.httpProxy()}) {
            String[] user = credentials(p);
            if (user != null && isSocks(p)) {
                // The JDK's SOCKS client asks the process-wide Authenticator for SOCKS5 credentials;
                // there is no per-connection hook, so this one answers for the proxy's host only.
                Authenticator.setDefault(new Authenticator() {
                    @Override
                    protected PasswordAuthentication getPasswordAuthentication() {
                        if (!p.getHost().equalsIgnoreCase(getRequestingHost())) return null;
                        return new PasswordAuthentication(user[0], user[1].toCharArray());
                    }
                });
            }
        }
    }

    static Proxy toProxy(URI uri) {
        InetSocketAddress address = InetSocketAddress.createUnresolved(uri.getHost(), uri.getPort());
        return new Proxy(isSocks(uri) ? Proxy.Type.SOCKS : Proxy.Type.HTTP, address);
    }

    private static boolean isSocks(URI uri) {
        return uri != null && uri.getScheme().toLowerCase(Locale.ROOT).startsWith("socks");
    }

    /** user and password from the proxy URL, percent-decoded, or null. */
    private static String[] credentials(URI uri) {
        if (uri == null || uri.getRawUserInfo() == null) return null;
        String[] parts = uri.getRawUserInfo().split(":", 2);
        return new String[]{decode(parts[0]), parts.length > 1 ? decode(parts[1]) : ""};
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
