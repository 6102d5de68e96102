package dev.e2bgateway.store;

import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;

/**
 * {@link Counters} in Redis, so that every gateway behind one load balancer counts a key's chats
 * together: INCRBY and PEXPIREAT in one transaction per change. A Redis that fails is a
 * {@link StoreUnavailableException}; the caller decides what a chat does then.
 */
public final class RedisCounters implements Counters {

    private static final String PREFIX = "e2b:count:";

    private final RedisConnection connection;
    private final RedisClient redis;

    public RedisCounters(RedisConnection connection) {
        this.connection = connection;
        this.redis = connection.client();
    }

    @Override
    public long add(String counter, long delta, long expiresAtMillis) {
        return connection.call("count a key's chats", () -> {
            try (AbstractTransaction tx = redis.multi()) {
                Response<Long> value = tx.incrBy(PREFIX + counter, delta);
                tx.pexpireAt(PREFIX + counter, expiresAtMillis);
                tx.exec();
                return value.get();
            }
        });
    }

    @Override
    public long get(String counter) {
        return connection.call("read a key's counts", () -> {
            String value = redis.get(PREFIX + counter);
            return value == null ? 0 : Long.parseLong(value);
        });
    }
}
