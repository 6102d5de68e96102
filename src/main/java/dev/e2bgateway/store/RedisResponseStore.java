package dev.e2bgateway.store;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.GetExParams;

import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Stored responses in Redis ({@code E2B_REDIS_URL}), so that any of several gateways can continue
 * a conversation another one started. A response is a hash {@code e2b:response:<id>} (its
 * document and its item ids), each output item a string {@code e2b:item:<id>}; every key gets the
 * TTL when written and again when read.
 *
 * <p>Jedis, pooled: each request's thread borrows a connection for a call or two. Every wait is
 * bounded ({@link #TIMEOUT} to connect, to answer, and for a free connection), so a Redis that is
 * down or stuck costs a request that needs it a clear error within that time, never a hang; a
 * broken connection is dropped and the call made again on a new one, so a Redis that restarts
 * costs no request, and the store recovers by itself.
 */
public final class RedisResponseStore implements ResponseStore {

    /** Redis answers in a millisecond or so; this much silence means it is gone, and a chat should not wait longer to learn it. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    private static final String RESPONSE = "e2b:response:";
    private static final String ITEM = "e2b:item:";

    private final RedisClient redis;
    private final long ttlSeconds;
    private final String where;

    public RedisResponseStore(URI url, Duration ttl) {
        this.ttlSeconds = Math.max(1, ttl.toSeconds());
        int port = url.getPort() < 0 ? 6379 : url.getPort();
        String path = url.getPath() == null ? "" : url.getPath();
        int database = path.length() > 1 ? Integer.parseInt(path.substring(1)) : 0;
        this.where = "Redis at " + url.getHost() + ":" + port + "/" + database;
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
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
                client.password(user); // redis://secret@host: the password alone, as redis-cli takes it
            } else {
                if (!user.isEmpty()) client.user(user);
                client.password(password);
            }
        }
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(64);
        pool.setMaxIdle(16);
        pool.setMinIdle(0); // nothing connects at startup: a Redis that is down must not stop the gateway
        pool.setMaxWait(TIMEOUT); // the default waits forever for a free connection
        pool.setBlockWhenExhausted(true);
        pool.setJmxEnabled(false);
        this.redis = RedisClient.builder().hostAndPort(url.getHost(), port).clientConfig(client.build()).poolConfig(pool).build();
    }

    @Override
    public void put(String id, String document, Map<String, String> items) {
        call("store a response", () -> {
            try (AbstractTransaction tx = redis.multi()) { // all of it or none
                String key = RESPONSE + id;
                tx.del(key);
                tx.hset(key, Map.of("document", document, "items", String.join(" ", items.keySet())));
                tx.expire(key, ttlSeconds);
                items.forEach((item, itemJson) -> tx.setex(ITEM + item, ttlSeconds, itemJson));
                tx.exec();
            }
            return null;
        });
    }

    @Override
    public Map<String, String> get(Collection<String> ids) {
        if (ids.isEmpty()) return Map.of();
        return call("read stored responses", () -> {
            Map<String, Response<String>> replies = new LinkedHashMap<>();
            try (AbstractPipeline pipeline = redis.pipelined()) {
                for (String id : ids) {
                    replies.put(id, pipeline.hget(RESPONSE + id, "document"));
                    pipeline.expire(RESPONSE + id, ttlSeconds);
                }
                pipeline.sync();
            }
            return found(replies);
        });
    }

    @Override
    public Map<String, String> items(Collection<String> ids) {
        if (ids.isEmpty()) return Map.of();
        return call("read stored items", () -> {
            Map<String, Response<String>> replies = new LinkedHashMap<>();
            try (AbstractPipeline pipeline = redis.pipelined()) {
                for (String item : ids) replies.put(item, pipeline.getEx(ITEM + item, GetExParams.getExParams().ex(ttlSeconds)));
                pipeline.sync();
            }
            return found(replies);
        });
    }

    @Override
    public boolean delete(String id) {
        return call("delete a stored response", () -> {
            String items = redis.hget(RESPONSE + id, "items");
            List<String> keys = new ArrayList<>();
            keys.add(RESPONSE + id);
            if (items != null && !items.isBlank()) {
                for (String item : items.split(" ")) keys.add(ITEM + item);
            }
            return redis.del(keys.toArray(String[]::new)) > 0 && items != null;
        });
    }

    @Override
    public void check() {
        call("answer", redis::ping);
    }

    @Override
    public String description() {
        return where + " (each response kept " + ResponseStore.describe(Duration.ofSeconds(ttlSeconds)) + " after its last use)";
    }

    @Override
    public void close() {
        redis.close();
    }

    private static Map<String, String> found(Map<String, Response<String>> replies) {
        Map<String, String> found = new LinkedHashMap<>();
        replies.forEach((key, reply) -> {
            String value = reply.get();
            if (value != null) found.put(key, value);
        });
        return found;
    }

    /**
     * Runs {@code work}; a connection found broken (Redis restarted since it was pooled) is dropped
     * with every idle one, and the work tried once more on a new connection. A timeout is not
     * retried: it has taken its time.
     */
    private <T> T call(String what, Supplier<T> work) {
        try {
            try {
                return work.get();
            } catch (JedisConnectionException e) {
                if (timedOut(e)) throw e;
                redis.getPool().clear(); // the other idle connections are as broken as this one was
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
}
