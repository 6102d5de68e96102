package dev.e2bgateway.state;

import dev.e2bgateway.support.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The store contract in a real Redis (Debian's redis-server, started by the test). Redis keeps its
 * own time, so time passes as Redis would see it: every key's remaining time to live shortened by
 * that much, and a key whose time is up deleted.
 */
class RedisResponseStoreContractIT extends ResponseStoreContract {

    @TempDir
    static Path dir;
    private static RedisServer redis;
    private static Jedis admin;
    private RedisConnection connection;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start(dir);
        admin = new Jedis(new HostAndPort("127.0.0.1", redis.port()), DefaultJedisClientConfig.builder().password(RedisServer.PASSWORD)
                .database(2).build());
    }

    @AfterAll
    static void stopRedis() throws Exception {
        admin.close();
        redis.close();
    }

    @Override
    ResponseStore newStore() {
        admin.flushDB();
        connection = new RedisConnection(URI.create(redis.url(2)));
        return new RedisResponseStore(connection, TTL);
    }

    @AfterEach
    void closeConnection() {
        connection.close();
    }

    @Override
    void advance(Duration time) {
        for (String key : admin.keys("*")) {
            long left = admin.pttl(key);
            if (left < 0) continue; // no expiry (or gone meanwhile)
            if (left <= time.toMillis()) admin.del(key);
            else admin.pexpire(key, left - time.toMillis());
        }
    }
}
