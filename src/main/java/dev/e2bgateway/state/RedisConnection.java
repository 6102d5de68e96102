package dev.e2bgateway.state;

import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The gateway's one Redis ({@code E2B_REDIS_URL}), shared by stored responses, key counters and
 * route marks: Jedis, pooled, every wait bounded ({@link #TIMEOUT} to connect, to answer, and for
 * a free connection), nothing connected at startup, a broken connection replaced on the next call.
 */
public final class RedisConnection implements AutoCloseable {

    /** Redis answers in a millisecond or so; this much silence means it is gone, and a chat should not wait longer to learn it. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final RedisClient client;
    private final String where;

    public RedisConnection(URI url) {
        int port = url.getPort() < 0 ? 6379 : url.getPort();
        String path = url.getPath() == null ? "" : url.getPath();
        int database = path.length() > 1 ? Integer.parseInt(path.substring(1)) : 0;
        this.where = "Redis at " + url.getHost() + ":" + port + "/" + database;
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
     * retried: it has taken its time.
     *
     * <p>A connection can also break after Redis ran the work but before its answer came back, so
     * {@code work} may run twice: it must give the same result when it does (a plain
     * {@code INCRBY} would not; {@link RedisCounters} sends a token with each change instead).
     * Jedis itself sends nothing again: a standalone client's executor has no retries.
     */
    <T> T call(String what, Supplier<T> work) {
        try {
            try {
                return work.get();
            } catch (JedisConnectionException e) {
                if (timedOut(e)) throw e;
                client.getPool().clear(); // the other idle connections are as broken as this one was
                return work.get();
            }
        } catch (JedisException e) {
            throw new StoreUnavailableException(where + " failed to " + what + ": " + reason(e), e);
        }
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) return true;
        }
        return false;
    }

    /** The innermost message ("Failed to connect to ...", "Read timed out", "WRONGPASS ..."), ending with a full stop. */
    private static String reason(Throwable e) {
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
}
