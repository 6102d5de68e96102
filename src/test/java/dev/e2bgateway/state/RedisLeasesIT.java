package dev.e2bgateway.state;

import dev.e2bgateway.support.CuttingRelay;
import dev.e2bgateway.support.Poll;
import dev.e2bgateway.support.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import static dev.e2bgateway.state.ConcurrencySlots.LEASE_MILLIS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The slots of chats at once as leases in a real Redis (Debian's redis-server, started by the
 * test): a slot whose release Redis could not take while it hung or was down is free again once
 * Redis answers, and a chat never sees the failure. The worker thread is not started: the test
 * calls {@link ConcurrencySlots#tick} itself, as the worker would every third of a lease.
 */
class RedisLeasesIT {

    @TempDir
    Path dir;

    private static Jedis direct(RedisServer redis) {
        return new Jedis(new HostAndPort("127.0.0.1", redis.port()), DefaultJedisClientConfig.builder()
                .password(RedisServer.PASSWORD).database(1).build());
    }

    @Test
    void a_slot_whose_release_redis_could_not_take_while_it_hung_is_free_once_redis_answers_again() throws Exception {
        try (RedisServer redis = RedisServer.start(dir); RedisConnection connection = new RedisConnection(URI.create(redis.url(1)))) {
            ConcurrencySlots slots = new ConcurrencySlots(new RedisLeases(connection), System::currentTimeMillis);
            ConcurrencySlots.Lease chat = slots.take("ide", 1);
            assertThat(chat).isNotNull();
            assertThat(slots.take("ide", 1)).as("one chat at once").isNull();
            try (Jedis jedis = direct(redis)) {
                assertThat(jedis.zcard("e2b:conc:ide")).isEqualTo(1);
                assertThat(jedis.pttl("e2b:conc:ide")).as("the set ends with its lease").isBetween(1L, LEASE_MILLIS);
            }

            redis.pause();
            slots.give(chat); // the chat ends while Redis hangs: its release times out, and nothing escapes
            assertThat(slots.ungiven()).isEqualTo(1);
            assertThat(slots.held()).isZero();
            slots.tick(); // the worker meets the hung Redis (its breaker is open now) and keeps the release
            assertThat(slots.ungiven()).isEqualTo(1);
            assertThat(redis.paused()).isTrue();
            redis.resume();

            // (The ZREM that timed out sat in the socket and may have run as Redis woke: a Redis that hangs may
            // or may not have taken the release. Sending it again is harmless either way.)
            // The breaker lets a call through once its window is over; the worker's next tick then gives the slot back.
            Poll.until("the release kept while Redis hung goes through", Duration.ofSeconds(20), () -> {
                slots.tick();
                return slots.ungiven() == 0;
            });
            try (Jedis jedis = direct(redis)) {
                assertThat(jedis.zcard("e2b:conc:ide")).isZero();
            }
            assertThat(slots.take("ide", 1)).as("the slot is free again").isNotNull();
        }
    }

    @Test
    void a_slot_whose_release_met_a_stopped_redis_is_given_back_by_the_next_chat_of_its_key_once_redis_is_back() throws Exception {
        try (RedisServer redis = RedisServer.start(dir); RedisConnection connection = new RedisConnection(URI.create(redis.url(1)))) {
            ConcurrencySlots slots = new ConcurrencySlots(new RedisLeases(connection), System::currentTimeMillis);
            ConcurrencySlots.Lease first = slots.take("ide", 2);
            ConcurrencySlots.Lease second = slots.take("ide", 2);
            assertThat(second).isNotNull();
            slots.give(second);

            redis.stop(); // down, and it keeps nothing: the restart below stands for a Redis that kept its data
            slots.give(first);
            assertThat(slots.ungiven()).isEqualTo(1);
            redis.restart();
            try (Jedis jedis = direct(redis)) {
                jedis.zadd("e2b:conc:ide", System.currentTimeMillis() + LEASE_MILLIS, first.id()); // what a persisted Redis would still hold
            }

            // Without the kept release the key would run one slot short for as long as it is used.
            Poll.until("two chats at once again", Duration.ofSeconds(20), () -> {
                try {
                    ConcurrencySlots.Lease a = slots.take("ide", 2);
                    ConcurrencySlots.Lease b = slots.take("ide", 2);
                    if (a != null) slots.give(a);
                    if (b != null) slots.give(b);
                    return a != null && b != null;
                } catch (StoreUnavailableException e) {
                    return false; // the breaker's window is not over yet
                }
            });
            assertThat(slots.ungiven()).isZero();
        }
    }

    @Test
    void redis_leases_count_only_leases_still_running_and_a_release_or_renewal_sent_again_changes_nothing() throws Exception {
        try (RedisServer redis = RedisServer.start(dir); RedisConnection connection = new RedisConnection(URI.create(redis.url(1)))) {
            RedisLeases leases = new RedisLeases(connection);
            long now = System.currentTimeMillis();
            assertThat(leases.take("ci", "a", 2, now, now + 1_000)).isTrue();
            assertThat(leases.take("ci", "b", 2, now, now + 60_000)).isTrue();
            assertThat(leases.take("ci", "c", 2, now, now + 60_000)).isFalse();
            assertThat(leases.take("ci", "c", 2, now + 1_000, now + 61_000)).as("a's lease has ended (a gateway that died)").isTrue();
            leases.release("ci", "b");
            leases.release("ci", "b");
            leases.renew("ci", "b", now + 1_000, now + 120_000);
            assertThat(leases.take("ci", "d", 2, now + 1_000, now + 61_000)).as("b stays given back").isTrue();
            assertThat(leases.take("ci", "e", 2, now + 1_000, now + 61_000)).isFalse();
            leases.renew("ci", "c", now + 1_000, now + 200_000);
            assertThat(leases.take("ci", "e", 2, now + 100_000, now + 160_000)).as("d has ended").isTrue();
            assertThat(leases.take("ci", "f", 2, now + 100_000, now + 160_000)).as("c renewed past its first end").isFalse();
        }
    }

    @Test
    void a_take_sent_again_after_a_connection_broke_mid_answer_holds_one_slot() throws Exception {
        try (RedisServer redis = RedisServer.start(dir);
             CuttingRelay relay = new CuttingRelay(redis.port());
             RedisConnection connection = new RedisConnection(URI.create(
                     "redis://:" + RedisServer.PASSWORD + "@127.0.0.1:" + relay.port() + "/1"))) {
            RedisLeases leases = new RedisLeases(connection);
            long now = System.currentTimeMillis();
            assertThat(leases.take("warm-up", "x", 1, now, now + 60_000)).isTrue(); // Redis has the script from now on
            relay.cutAfterAnswerTo("EVALSHA");
            assertThat(leases.take("ide", "a", 2, now, now + 60_000)).isTrue();
            assertThat(relay.cuts()).as("the connection was cut after Redis answered").isEqualTo(1);
            try (Jedis jedis = direct(redis)) {
                assertThat(jedis.zcard("e2b:conc:ide")).isEqualTo(1);
            }
            assertThat(leases.take("ide", "b", 2, now, now + 60_000)).isTrue();
        }
    }
}
