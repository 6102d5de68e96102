package dev.e2bgateway.state;

import redis.clients.jedis.RedisClient;

import java.util.List;
import java.util.UUID;

/**
 * {@link Counters} in Redis, so that every gateway behind one load balancer counts a key's chats
 * together. A Redis that fails is a {@link StoreUnavailableException}; the caller decides what a
 * chat does then.
 *
 * <p>Each change is counted once even when it is sent twice. {@link RedisConnection#call} sends
 * a command again on a new connection when the first one broke, and a connection can break after
 * Redis ran the command but before its answer arrived: a plain {@code INCRBY} would then count
 * one chat twice. So every {@link #add} carries a token of its own, and one Lua script adds only
 * if that token is new, remembering it (with the value it gave) for {@link #ONCE_MILLIS}; a
 * second sending returns the first one's value and adds nothing.
 */
public final class RedisCounters implements Counters {

    private static final String PREFIX = "e2b:count:";
    private static final String ONCE = "e2b:count-once:";
    /** How long a change's token is remembered: far longer than a retry can come (it comes at once, each wait bounded by seconds). */
    static final long ONCE_MILLIS = 60_000;

    /** KEYS: the counter, the token; ARGV: delta, expiry (epoch ms), how long to remember the token (ms). */
    private static final RedisScript ADD = new RedisScript("""
            local done = redis.call('GET', KEYS[2])
            if done then return tonumber(done) end
            local value = redis.call('INCRBY', KEYS[1], ARGV[1])
            redis.call('PEXPIREAT', KEYS[1], ARGV[2])
            redis.call('SET', KEYS[2], value, 'PX', ARGV[3])
            return value
            """);

    private final RedisConnection connection;
    private final RedisClient redis;

    public RedisCounters(RedisConnection connection) {
        this.connection = connection;
        this.redis = connection.client();
    }

    @Override
    public long add(String counter, long delta, long expiresAtMillis) {
        // One token for this change, made before the first sending so that a second sending carries it too.
        List<String> keys = List.of(PREFIX + counter, ONCE + UUID.randomUUID());
        List<String> args = List.of(String.valueOf(delta), String.valueOf(expiresAtMillis), String.valueOf(ONCE_MILLIS));
        return connection.call("count a key's chats", () -> (Long) ADD.run(redis, keys, args));
    }

    @Override
    public long get(String counter) {
        return connection.call("read a key's counts", () -> {
            String value = redis.get(PREFIX + counter);
            return value == null ? 0 : Long.parseLong(value);
        });
    }
}
