package dev.e2bgateway.state;

import redis.clients.jedis.RedisClient;

import java.util.List;

/**
 * {@link Leases} in Redis, so that every gateway behind one load balancer holds a key's slots
 * together: one sorted set per group ({@code e2b:conc:<group>}), a member per lease scored by the
 * lease's end. Taking is one Lua script (drop the leases that ended, count, add), so two gateways
 * never both take the last slot; giving back is a {@code ZREM}. Each step gives the same result
 * when {@link RedisConnection#call} sends it twice (a lease already held counts as taken), and
 * the set expires a lease's length after it was last touched, so an idle key leaves nothing.
 */
public final class RedisLeases implements Leases {

    private static final String PREFIX = "e2b:conc:";

    /** KEYS: the group's set; ARGV: id, limit, now (epoch ms), end (epoch ms). Returns 1 when taken, 0 when full. */
    private static final RedisScript TAKE = new RedisScript("""
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
            if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 1 end
            if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
            redis.call('ZADD', KEYS[1], ARGV[4], ARGV[1])
            local length = tonumber(ARGV[4]) - tonumber(ARGV[3])
            if redis.call('PTTL', KEYS[1]) < length then redis.call('PEXPIRE', KEYS[1], length) end
            return 1
            """);

    /** KEYS: the group's set; ARGV: id, now (epoch ms), end (epoch ms). Only a lease that is still there. */
    private static final RedisScript RENEW = new RedisScript("""
            if redis.call('ZADD', KEYS[1], 'XX', 'CH', ARGV[3], ARGV[1]) == 1 then
              local length = tonumber(ARGV[3]) - tonumber(ARGV[2])
              if redis.call('PTTL', KEYS[1]) < length then redis.call('PEXPIRE', KEYS[1], length) end
            end
            return 0
            """);

    private final RedisConnection connection;
    private final RedisClient redis;

    public RedisLeases(RedisConnection connection) {
        this.connection = connection;
        this.redis = connection.client();
    }

    @Override
    public boolean take(String group, String id, int limit, long nowMillis, long endsAtMillis) {
        List<String> args = List.of(id, String.valueOf(limit), String.valueOf(nowMillis), String.valueOf(endsAtMillis));
        return connection.call("take a key's slot", () -> (Long) TAKE.run(redis, List.of(PREFIX + group), args)) == 1;
    }

    @Override
    public void renew(String group, String id, long nowMillis, long endsAtMillis) {
        List<String> args = List.of(id, String.valueOf(nowMillis), String.valueOf(endsAtMillis));
        connection.call("renew a key's slot", () -> RENEW.run(redis, List.of(PREFIX + group), args));
    }

    @Override
    public void release(String group, String id) {
        connection.call("give back a key's slot", () -> redis.zrem(PREFIX + group, id));
    }
}
