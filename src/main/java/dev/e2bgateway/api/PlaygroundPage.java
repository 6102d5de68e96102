package dev.e2bgateway.api;

import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /} and {@code /playground}: one self-contained HTML page from the jar, served
 * without auth (its API calls carry the key the user enters). Its Content-Security-Policy
 * allows nothing but this gateway, so the page cannot load or send anything elsewhere.
 */
public final class PlaygroundPage {

    private static final String CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
            + "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final byte[] html;

    public PlaygroundPage(String version, URI upstream) {
        String template;
        try (InputStream in = PlaygroundPage.class.getResourceAsStream("/dev/e2bgateway/playground/index.html")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("the playground page is missing from the jar", e);
        }
        // The upstream URL is shown without any user info (it never holds secrets, but be sure).
        String shownUpstream = upstream.getScheme() + "://" + upstream.getHost() + (upstream.getPort() > 0 ? ":" + upstream.getPort() : "");
        this.html = template.replace("{{VERSION}}", escape(version)).replace("{{UPSTREAM}}", escape(shownUpstream))
                .getBytes(StandardCharsets.UTF_8);
    }

    public void serve(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType("text/html; charset=utf-8").result(html);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
