package dev.e2bgateway.state;

import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The gateway's one Redis ({@code E2B_REDIS_URL}), shared by stored responses, key counters and
 * route marks: Jedis, pooled, every wait bounded ({@link #TIMEOUT} to connect, to answer, and for
 * a free connection), nothing connected at startup, a broken connection replaced on the next call.
 *
 * <p>A Redis that hangs would cost every call its {@link #TIMEOUT}, and most calls are on a chat's
 * way; a Redis that is down costs a call nothing (the connection is refused at once). So after a
 * call finds Redis unavailable, a {@link Breaker} fails the calls that follow at once, for a
 * window of {@link Breaker#FIRST_WINDOW_MILLIS} doubling to {@link Breaker#LAST_WINDOW_MILLIS};
 * then one call tries Redis again while the others still fail at once, and its success closes
 * the breaker. A Redis that comes back needs no gateway restart, only the rest of a window.
 */
public final class RedisConnection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisConnection.class);

    /** Redis answers in a millisecond or so; this much silence means it is gone, and a chat should not wait longer to learn it. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final RedisClient client;
    private final String where;
    private final Breaker breaker;

    public RedisConnection(URI url) {
        this(url, System::currentTimeMillis);
    }

    /** @param clock epoch milliseconds, for the breaker's windows */
    RedisConnection(URI url, LongSupplier clock) {
        int port = url.getPort() < 0 ? 6379 : url.getPort();
        String path = url.getPath() == null ? "" : url.getPath();
        int database = path.length() > 1 ? Integer.parseInt(path.substring(1)) : 0;
        this.where = "Redis at " + url.getHost() + ":" + port + "/" + database;
        this.breaker = new Breaker(where, clock);
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) TIMEOUT.toMillis())
                .socketTimeoutMillis((int) TIMEOUT.toMillis())
                .database(database)
                .ssl("rediss".equals(url.getScheme()))
                .clientName("e2b-gateway");
        String userInfo = url.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            String password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
            if (password == null) {
                config.password(user); // redis://secret@host: the password alone, as redis-cli takes it
            } else {
                if (!user.isEmpty()) config.user(user);
                config.password(password);
            }
        }
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(64);
        pool.setMaxIdle(16);
        pool.setMinIdle(0); // nothing connects at startup: a Redis that is down must not stop the gateway
        pool.setMaxWait(TIMEOUT); // the default waits forever for a free connection
        pool.setBlockWhenExhausted(true);
        pool.setJmxEnabled(false);
        this.client = RedisClient.builder().hostAndPort(url.getHost(), port).clientConfig(config.build()).poolConfig(pool).build();
    }

    RedisClient client() {
        return client;
    }

    /** Where it is, without credentials, for messages. */
    public String where() {
        return where;
    }

    /**
     * Runs {@code work}; a Redis failure becomes a {@link StoreUnavailableException} saying what
     * could not be done. A connection found broken (Redis restarted since it was pooled) is dropped
     * with every idle one, and the work tried once more on a new connection; a timeout is not
     * retried: it has taken its time. While the breaker is open, fails at once without touching
     * Redis, naming the failure that opened it.
     *
     * <p>A connection can also break after Redis ran the work but before its answer came back, so
     * {@code work} may run twice: it must give the same result when it does (a plain
     * {@code INCRBY} would not; {@link RedisCounters} sends a token with each change instead).
     * Jedis itself sends nothing again: a standalone client's executor has no retries.
     */
    <T> T call(String what, Supplier<T> work) {
        Breaker.Pass pass = breaker.pass(what);
        boolean reported = false;
        try {
            T result;
            try {
                result = work.get();
            } catch (JedisConnectionException e) {
                if (timedOut(e)) throw e;
                client.getPool().clear(); // the other idle connections are as broken as this one was
                result = work.get();
            }
            reported = true;
            breaker.answered(pass);
            return result;
        } catch (JedisException e) {
            String reason = reason(e);
            reported = true;
            if (unavailable(e)) breaker.failed(pass, reason);
            else breaker.answered(pass); // it answered, with an error (WRONGPASS, a script's error): it is there
            throw new StoreUnavailableException(where + " failed to " + what + ": " + reason, e);
        } finally {
            if (!reported) breaker.released(pass); // anything else thrown must not leave a probe in flight for good
        }
    }

    /** A failure that says Redis cannot be reached, or did not answer, or kept every connection busy: worth not asking again at once. */
    static boolean unavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JedisConnectionException || t instanceof IOException || t instanceof NoSuchElementException) return true;
        }
        return false;
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) return true;
        }
        return false;
    }

    /** The innermost message ("Failed to connect to ...", "WRONGPASS ..."), or that it did not answer in time; ending with a full stop. */
    static String reason(Throwable e) {
        if (timedOut(e)) return "it did not answer within " + TIMEOUT.toSeconds() + " s.";
        String message = e.getMessage();
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t.getMessage() != null) message = t.getMessage();
        }
        if (message == null) message = e.getClass().getSimpleName();
        return message.endsWith(".") ? message : message + ".";
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        client.close();
    }

    /**
     * When to ask Redis and when to fail at once. Closed, every call goes. A call that finds Redis
     * unavailable opens it for a window; until the window ends every call fails at once, then the
     * next call is the probe, the one call let through while the others go on failing at once. The
     * probe's answer closes it; its failure opens it again for twice the window, up to
     * {@link #LAST_WINDOW_MILLIS}. Calls that were already under way when it opened decide nothing
     * (they say only what Redis was like when they started). Thread-safe; the clock is injected.
     */
    static final class Breaker {

        /** Long enough that a hang costs one call a timeout instead of every call; short enough that a restarted Redis is used again at once. */
        static final long FIRST_WINDOW_MILLIS = 1_000;
        /** A Redis down for long is still tried this often: a probe that fails at once costs nothing, one that hangs costs one call its timeout. */
        static final long LAST_WINDOW_MILLIS = 10_000;

        /** What a call was let through as. */
        enum Pass { CLOSED, PROBE }

        private final String where;
        private final LongSupplier clock;
        private boolean open;
        private long openUntil;
        private long window;
        private boolean probing;
        private String reason;

        Breaker(String where, LongSupplier clock) {
            this.where = where;
            this.clock = clock;
        }

        /** Lets a call go (as what), or throws the {@link StoreUnavailableException} it fails with at once. */
        synchronized Pass pass(String what) {
            if (!open) return Pass.CLOSED;
            long left = openUntil - clock.getAsLong();
            if (left <= 0 && !probing) {
                probing = true;
                return Pass.PROBE;
            }
            String reason = this.reason.substring(0, this.reason.length() - 1); // its full stop
            throw new StoreUnavailableException(where + " failed to " + what + ": " + reason + "; "
                    + (left > 0 ? "not tried again for " + left + " ms." : "another call is trying it again."), null);
        }

        /** Redis answered the call (perhaps with an error). */
        synchronized void answered(Pass pass) {
            if (pass != Pass.PROBE) return;
            open = false;
            probing = false;
            window = 0;
            log.info("{} answers again; calls to it go through", where);
        }

        /** The call found Redis unavailable, for {@code reason}. */
        synchronized void failed(Pass pass, String reason) {
            if (pass == Pass.PROBE) {
                probing = false;
                window = Math.min(window * 2, LAST_WINDOW_MILLIS);
            } else if (open) {
                return; // under way when it opened: the window stands
            } else {
                open = true;
                window = FIRST_WINDOW_MILLIS;
                log.warn("{} is unavailable ({}); calls to it fail at once, and one is let through every {} to {} ms",
                        where, reason.substring(0, reason.length() - 1), FIRST_WINDOW_MILLIS, LAST_WINDOW_MILLIS);
            }
            this.reason = reason;
            openUntil = clock.getAsLong() + window;
        }

        /** The call ended without a word on Redis (something else failed): a probe's place goes to the next call. */
        synchronized void released(Pass pass) {
            if (pass == Pass.PROBE) probing = false;
        }
    }
}
