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

    private final RedisConnection connection;
    private final RedisClient redis;
    private final long ttlSeconds;
    private final String where;

    public RedisResponseStore(RedisConnection connection, Duration ttl) {
        this.ttlSeconds = Math.max(1, ttl.toSeconds());
        this.redis = connection.client();
        this.where = connection.where();
        this.connection = connection;
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
        // The connection is the gateway's, shared with the other Redis users: closed by its owner.
    }

    private static Map<String, String> found(Map<String, Response<String>> replies) {
        Map<String, String> found = new LinkedHashMap<>();
        replies.forEach((key, reply) -> {
            String value = reply.get();
            if (value != null) found.put(key, value);
        });
        return found;
    }

    private <T> T call(String what, Supplier<T> work) {
        return connection.call(what, work);
    }
}
