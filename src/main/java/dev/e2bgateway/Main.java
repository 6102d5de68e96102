package dev.e2bgateway;

import dev.e2bgateway.config.Config;
import dev.e2bgateway.config.ConfigException;
import dev.e2bgateway.config.ProxySettings;
import io.github.cdimascio.dotenv.Dotenv;
import io.github.cdimascio.dotenv.DotenvEntry;
import dev.e2bgateway.core.InFlight;
import dev.e2bgateway.reload.Reloader;
import io.javalin.Javalin;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Reads the environment and .env once, builds the {@link Config}, starts the gateway. */
public final class Main {

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        Config config;
        try {
            config = Config.from(settings());
        } catch (ConfigException e) {
            System.err.println("e2b-gateway: invalid setting: " + e.getMessage());
            System.exit(2);
            return;
        }
        logSettings(config);
        InFlight inFlight = new InFlight();
        App.Built built;
        try {
            built = App.build(config, inFlight);
        } catch (ConfigException e) {
            System.err.println("e2b-gateway: " + e.getMessage());
            System.exit(2);
            return;
        }
        Javalin app = built.app();
        reloadOnHangUp(built.reloader());
        try {
            app.start(config.server().host(), config.server().port());
        } catch (RuntimeException e) {
            System.err.println("e2b-gateway: cannot listen on " + config.server().host() + ":" + config.server().port() + ": " + rootMessage(e));
            System.exit(1);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(app, inFlight, config), "shutdown"));
        log.info("e2b-gateway listening on http://{}:{}/v1", config.server().host(), app.port());
    }

    /**
     * SIGTERM or Ctrl-C: stop accepting connections, let chats in flight finish within the grace
     * period, cancel the rest with an error their clients see, stop, and exit 0.
     */
    static void shutdown(Javalin app, InFlight inFlight, Config config) {
        log.info("shutting down");
        for (Connector connector : app.jettyServer().server().getConnectors()) {
            // Close the listening socket only: no new connections, while open ones (streams in
            // flight, a load balancer's keep-alive health checks) are served until the end.
            if (connector instanceof NetworkConnector network) network.close();
        }
        inFlight.drain(config.server().shutdownGrace(), Duration.ofSeconds(5));
        app.stop();
        log.info("stopped");
        // A JVM ended by a signal exits 143 even after a clean shutdown; this one was clean.
        Runtime.getRuntime().halt(0);
    }

    /**
     * SIGHUP (systemctl reload) re-reads the settings files instead of ending the JVM, the JVM's
     * default. Installed before the "listening" line, so whoever waits for that line may send it.
     */
    private static void reloadOnHangUp(Reloader reloader) {
        try {
            Signal.handle(new Signal("HUP"), signal -> reloader.reloadAll("SIGHUP"));
        } catch (IllegalArgumentException e) {
            // -Xrs, or a platform without SIGHUP: edits are still picked up when E2B_CONFIG_WATCH is on.
            log.warn("SIGHUP cannot be caught here ({}): the settings files reload only when they change on disk", e.getMessage());
        }
    }

    /** Environment variables first, then .env in the working directory. */
    static Map<String, String> settings() {
        Map<String, String> merged = new HashMap<>();
        Dotenv dotenv = Dotenv.configure().ignoreIfMissing().ignoreIfMalformed().load();
        for (DotenvEntry e : dotenv.entries(Dotenv.Filter.DECLARED_IN_ENV_FILE)) merged.put(e.getKey(), e.getValue());
        merged.putAll(System.getenv());
        return merged;
    }

    private static void logSettings(Config c) {
        Config.Server server = c.server();
        Config.Timeouts timeouts = c.timeouts();
        log.info("settings: keys={} host={} port={} upstream={} max_body={}B timeouts(connect/first-byte/idle)={}/{}/{} ms"
                        + " retries={} retry_delay={} ms",
                server.apiKeys().stream().map(Config::mask).toList(), server.host(), server.port(), c.upstream().baseUrl(),
                server.maxBodyBytes(), timeouts.connect().toMillis(), timeouts.firstByte().toMillis(), timeouts.idle().toMillis(),
                c.retry().maxAttempts(), c.retry().delay().toMillis());
        ProxySettings proxy = c.upstream().proxy();
        java.net.URI base = c.upstream().baseUrl();
        log.info("outbound proxy: {}{}", ProxySettings.describe(proxy.proxyFor(base.getScheme(), base.getHost())),
                proxy.source() == null ? "" : " (from " + proxy.source() + ")");
        if (c.modelsFile() != null) log.info("models file: {}", c.modelsFile());
        if (c.interpreter().enabled()) {
            log.info("code interpreter: on (cells run in E2B sandboxes of the Fragments deployment's own account; each waits at most {} ms)",
                    c.interpreter().timeout().toMillis());
        }
        if (server.hostDefaultedToLoopback()) {
            log.warn("E2B_API_KEY is the well-known default '{}': listening on 127.0.0.1 only. "
                    + "Set your own key (or E2B_HOST explicitly) to accept other machines.", Config.WELL_KNOWN_KEY);
        } else if (!Config.loopback(server.host())) {
            log.warn("listening on {} (not loopback): other machines that reach this one can connect, each request with a key."
                    + " Set E2B_HOST=127.0.0.1 to accept this machine only.", server.host());
        }
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) e = e.getCause();
        return e.getMessage();
    }
}
