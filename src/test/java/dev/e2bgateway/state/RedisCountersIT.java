package dev.e2bgateway.state;

import dev.e2bgateway.support.CuttingRelay;
import dev.e2bgateway.support.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Key counters in a real Redis (Debian's redis-server, started by the test), reached through a
 * relay that breaks the connection after Redis has counted and before the gateway hears it: the
 * gateway sends the change again on a new connection, and it must count once.
 */
class RedisCountersIT {

    @TempDir
    Path dir;

    @Test
    void a_change_sent_again_after_a_connection_broke_mid_answer_is_counted_once() throws Exception {
        try (RedisServer redis = RedisServer.start(dir);
             CuttingRelay relay = new CuttingRelay(redis.port());
             RedisConnection connection = new RedisConnection(URI.create(
                     "redis://:" + RedisServer.PASSWORD + "@127.0.0.1:" + relay.port() + "/1"))) {
            RedisCounters counters = new RedisCounters(connection);
            long expires = System.currentTimeMillis() + 60_000;
            assertThat(counters.add("warm-up", 1, expires)).isEqualTo(1); // Redis has the script from now on

            // Cut after the write that makes the change: EXEC of a transaction, EVALSHA of a script.
            relay.cutAfterAnswerTo("EXEC", "EVALSHA");
            assertThat(counters.add("rpm:ide:1", 1, expires)).isEqualTo(1);
            assertThat(relay.cuts()).as("the connection was cut after Redis answered").isEqualTo(1);
            assertThat(counters.get("rpm:ide:1")).isEqualTo(1);

            relay.cutAfterAnswerTo("EXEC", "EVALSHA");
            assertThat(counters.add("rpm:ide:1", -1, expires)).isEqualTo(0);
            assertThat(relay.cuts()).isEqualTo(2);
            assertThat(counters.add("rpm:ide:1", 5, expires)).isEqualTo(5);
            assertThat(counters.get("rpm:ide:1")).isEqualTo(5);
        }
    }
}
