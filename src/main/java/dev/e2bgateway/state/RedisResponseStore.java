package dev.e2bgateway.state;

import redis.clients.jedis.RedisClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stored responses in Redis ({@code E2B_REDIS_URL}), so that any of several gateways can continue
 * a conversation another one started. A response is a hash {@code e2b:response:<id>}: its
 * {@code owner}, its {@code document}, its item ids ({@code items}) and each item's JSON
 * ({@code item:<item id>}); each item id also has a key {@code e2b:item:<item id>} that names its
 * response, so that an {@code item_reference} finds it.
 *
 * <p>Every operation is one Lua script (atomic, one round trip) that checks the owner before it
 * reads, touches or deletes anything, and that restarts the TTL of the response and of all its
 * item keys together whenever any of them is used: a response and its items cannot expire apart
 * (they did when each key kept its own TTL, so an {@code item_reference} to an old message of a
 * conversation still going on failed here and worked in memory). Keys are computed inside the
 * scripts: this is for a single Redis (or a primary with replicas), not Redis Cluster.
 *
 * <p>Every call goes through {@link RedisConnection#call}, which bounds every wait and tries once
 * more on a new connection if a pooled one was broken: each script here can run twice with the
 * same result (a delete that ran but whose answer was lost then reports "not stored").
 */
public final class RedisResponseStore implements ResponseStore {

    private static final String RESPONSE = "e2b:response:";
    private static final String ITEM = "e2b:item:";

    /** What every script starts with: the key prefixes, and how to restart the TTL of a response's hash and of its item keys. */
    private static final String PRELUDE = "local ITEM, RESPONSE = '" + ITEM + "', '" + RESPONSE + "'\n" + """
            local function touch(key, items, ttl)
              redis.call('EXPIRE', key, ttl)
              for item in string.gmatch(items or '', '%S+') do redis.call('EXPIRE', ITEM .. item, ttl) end
            end
            """;

    /** KEYS: the response, then its items' keys; ARGV: ttl, owner, id, document, item ids, then item id and JSON for each item. */
    private static final RedisScript PUT = new RedisScript(PRELUDE + """
            local key = KEYS[1]
            local old = redis.call('HGET', key, 'items')
            if old then for item in string.gmatch(old, '%S+') do redis.call('DEL', ITEM .. item) end end
            redis.call('DEL', key)
            redis.call('HSET', key, 'owner', ARGV[2], 'document', ARGV[4], 'items', ARGV[5])
            for k = 2, #KEYS do
              redis.call('HSET', key, 'item:' .. ARGV[4 + 2 * (k - 1)], ARGV[5 + 2 * (k - 1)])
              redis.call('SET', KEYS[k], ARGV[3], 'EX', ARGV[1])
            end
            redis.call('EXPIRE', key, ARGV[1])
            return 1
            """);

    /** KEYS: responses; ARGV: ttl, owner. The owner's documents (false for the others), their TTLs restarted. */
    private static final RedisScript GET = new RedisScript(PRELUDE + """
            local out = {}
            for i, key in ipairs(KEYS) do
              local v = redis.call('HMGET', key, 'owner', 'document', 'items')
              if v[1] == ARGV[2] and v[2] then
                touch(key, v[3], ARGV[1])
                out[i] = v[2]
              else
                out[i] = false
              end
            end
            return out
            """);

    /** KEYS: item keys; ARGV: ttl, owner, then the item ids. The items of the owner's responses, those responses' TTLs restarted. */
    private static final RedisScript ITEMS = new RedisScript(PRELUDE + """
            local out = {}
            for i, index in ipairs(KEYS) do
              out[i] = false
              local id = redis.call('GET', index)
              if id then
                local key = RESPONSE .. id
                local v = redis.call('HMGET', key, 'owner', 'item:' .. ARGV[i + 2], 'items')
                if v[1] == ARGV[2] and v[2] then
                  touch(key, v[3], ARGV[1])
                  out[i] = v[2]
                end
              end
            end
            return out
            """);

    /** KEYS: the response; ARGV: owner. 1 if it was the owner's and is gone with its items, else 0 (nothing touched). */
    private static final RedisScript DELETE = new RedisScript(PRELUDE + """
            local v = redis.call('HMGET', KEYS[1], 'owner', 'items')
            if v[1] ~= ARGV[1] then return 0 end
            for item in string.gmatch(v[2] or '', '%S+') do redis.call('DEL', ITEM .. item) end
            redis.call('DEL', KEYS[1])
            return 1
            """);

    private final RedisConnection connection;
    private final RedisClient redis;
    private final String ttlSeconds;
    private final Duration ttl;
    private final String where;

    public RedisResponseStore(RedisConnection connection, Duration ttl) {
        this.ttl = Duration.ofSeconds(Math.max(1, ttl.toSeconds()));
        this.ttlSeconds = String.valueOf(this.ttl.toSeconds());
        this.redis = connection.client();
        this.where = connection.where();
        this.connection = connection;
    }

    @Override
    public void put(String owner, String id, String document, Map<String, String> items) {
        List<String> keys = new ArrayList<>();
        keys.add(RESPONSE + id);
        List<String> args = new ArrayList<>(List.of(ttlSeconds, owner, id, document, String.join(" ", items.keySet())));
        items.forEach((item, itemJson) -> {
            keys.add(ITEM + item);
            args.add(item);
            args.add(itemJson);
        });
        connection.call("store a response", () -> PUT.run(redis, keys, args));
    }

    @Override
    public Map<String, String> get(String owner, Collection<String> ids) {
        if (ids.isEmpty()) return Map.of();
        List<String> keys = ids.stream().map(id -> RESPONSE + id).toList();
        return connection.call("read stored responses", () -> found(ids, GET.run(redis, keys, List.of(ttlSeconds, owner))));
    }

    @Override
    public Map<String, String> items(String owner, Collection<String> ids) {
        if (ids.isEmpty()) return Map.of();
        List<String> keys = ids.stream().map(id -> ITEM + id).toList();
        List<String> args = new ArrayList<>(List.of(ttlSeconds, owner));
        args.addAll(ids);
        return connection.call("read stored items", () -> found(ids, ITEMS.run(redis, keys, args)));
    }

    @Override
    public boolean delete(String owner, String id) {
        return connection.call("delete a stored response",
                () -> Long.valueOf(1).equals(DELETE.run(redis, List.of(RESPONSE + id), List.of(owner))));
    }

    @Override
    public void check() {
        connection.call("answer", redis::ping);
    }

    @Override
    public String description() {
        return where + " (each response kept " + ResponseStore.describe(ttl) + " after its last use)";
    }

    @Override
    public void close() {
        // The connection is the gateway's, shared with the other Redis users: closed by its owner.
    }

    /** The script's answer, one value or nil per id in order, as id to value for those found. */
    private static Map<String, String> found(Collection<String> ids, Object reply) {
        List<?> values = (List<?>) reply;
        Map<String, String> found = new LinkedHashMap<>();
        int i = 0;
        for (String id : ids) {
            Object value = values.get(i++);
            if (value != null) found.put(id, (String) value);
        }
        return found;
    }
}
