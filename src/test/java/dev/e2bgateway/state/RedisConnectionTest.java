package dev.e2bgateway.state;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The breaker of {@link RedisConnection#call}, on a clock the test moves: the work given to a call
 * plays Redis (it throws what Jedis throws for a read that timed out, a refused connection, a
 * reset, an error reply), and nothing connects anywhere. Against a real frozen redis-server and a
 * gateway process: {@code ops/RedisHangsIT}.
 */
class RedisConnectionTest {

    private static final String WHERE = "Redis at 127.0.0.1:1/0";

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final RedisConnection connection = new RedisConnection(URI.create("redis://127.0.0.1:1/0"), now::get);
    private final AtomicInteger runs = new AtomicInteger();

    private static JedisConnectionException timeout() {
        return new JedisConnectionException(new SocketTimeoutException("Read timed out"));
    }

    private <T> Supplier<T> failing(Supplier<RuntimeException> failure) {
        return () -> {
            runs.incrementAndGet();
            throw failure.get();
        };
    }

    private Supplier<String> answering() {
        return () -> {
            runs.incrementAndGet();
            return "PONG";
        };
    }

    private void assertFailsAtOnce(String message) {
        int before = runs.get();
        assertThatThrownBy(() -> connection.call("count a key's chats", answering()))
                .isInstanceOf(StoreUnavailableException.class).hasMessage(message);
        assertThat(runs.get()).as("Redis was not asked").isEqualTo(before);
    }

    @Test
    void a_call_that_times_out_makes_the_calls_after_it_fail_at_once_naming_the_redis_and_the_reason() {
        assertThatThrownBy(() -> connection.call("count a key's chats", failing(RedisConnectionTest::timeout)))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessage(WHERE + " failed to count a key's chats: it did not answer within 2 s.");
        assertThat(runs.get()).as("a timeout is not tried again").isEqualTo(1);

        assertFailsAtOnce(WHERE + " failed to count a key's chats: it did not answer within 2 s; not tried again for 1000 ms.");
        now.addAndGet(600);
        assertFailsAtOnce(WHERE + " failed to count a key's chats: it did not answer within 2 s; not tried again for 400 ms.");
    }

    @Test
    void after_the_window_one_call_tries_again_while_the_others_fail_at_once_and_its_answer_closes_it() {
        assertThatThrownBy(() -> connection.call("read stored responses", failing(RedisConnectionTest::timeout)));
        now.addAndGet(1_000);
        List<String> meanwhile = new ArrayList<>();
        String answer = connection.call("read stored responses", () -> {
            runs.incrementAndGet();
            // Another chat's call while this one, the probe, waits for Redis.
            try {
                connection.call("count a key's chats", answering());
            } catch (StoreUnavailableException e) {
                meanwhile.add(e.getMessage());
            }
            return "found";
        });
        assertThat(answer).isEqualTo("found");
        assertThat(meanwhile).containsExactly(WHERE + " failed to count a key's chats: it did not answer within 2 s; another call is trying it again.");
        assertThat(runs.get()).isEqualTo(2);

        assertThat(connection.call("count a key's chats", answering())).isEqualTo("PONG");
        assertThat(connection.call("count a key's chats", answering())).isEqualTo("PONG");
        assertThat(runs.get()).as("closed: every call goes").isEqualTo(4);
    }

    @Test
    void each_probe_that_fails_doubles_the_window_up_to_ten_seconds_and_one_answer_starts_over_at_one() {
        assertThatThrownBy(() -> connection.call("answer", failing(RedisConnectionTest::timeout)));
        List<Long> windows = new ArrayList<>();
        for (int probe = 0; probe < 6; probe++) {
            long opened = now.get();
            // The window is over when a call goes to Redis again; find it by moving the clock 100 ms at a time.
            while (true) {
                int before = runs.get();
                try {
                    connection.call("answer", failing(RedisConnectionTest::timeout));
                } catch (StoreUnavailableException e) {
                    // failed at once, or the probe failed
                }
                if (runs.get() > before) break;
                now.addAndGet(100);
            }
            windows.add(now.get() - opened);
        }
        assertThat(windows).containsExactly(1_000L, 2_000L, 4_000L, 8_000L, 10_000L, 10_000L);

        now.addAndGet(10_000);
        assertThat(connection.call("answer", answering())).isEqualTo("PONG");
        assertThatThrownBy(() -> connection.call("answer", failing(RedisConnectionTest::timeout)));
        assertFailsAtOnce(WHERE + " failed to count a key's chats: it did not answer within 2 s; not tried again for 1000 ms.");
    }

    @Test
    void a_refused_connection_opens_it_too_after_the_one_retry_a_broken_connection_gets() {
        // What Jedis 8's pooled client throws when nothing listens (checked against a closed port): no cause.
        assertThatThrownBy(() -> connection.call("count a key's chats",
                failing(() -> new JedisConnectionException("Failed to connect to 127.0.0.1:1."))))
                .hasMessage(WHERE + " failed to count a key's chats: Failed to connect to 127.0.0.1:1.");
        assertThat(runs.get()).as("tried again once on a new connection").isEqualTo(2);
        assertFailsAtOnce(WHERE + " failed to count a key's chats: Failed to connect to 127.0.0.1:1; not tried again for 1000 ms.");
    }

    @Test
    void a_connection_reset_once_and_answered_on_the_retry_leaves_it_closed() {
        AtomicInteger attempt = new AtomicInteger();
        assertThat(connection.call("count a key's chats", () -> {
            runs.incrementAndGet();
            if (attempt.incrementAndGet() == 1) throw new JedisConnectionException(new SocketException("Connection reset"));
            return "counted";
        })).isEqualTo("counted");
        assertThat(connection.call("count a key's chats", answering())).isEqualTo("PONG");
        assertThat(runs.get()).isEqualTo(3);
    }

    @Test
    void an_error_redis_answers_with_leaves_it_closed() {
        assertThatThrownBy(() -> connection.call("answer", failing(() -> new JedisDataException("WRONGPASS invalid username-password pair"))))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessage(WHERE + " failed to answer: WRONGPASS invalid username-password pair.");
        assertThat(connection.call("answer", answering())).isEqualTo("PONG");
    }

    @Test
    void calls_under_way_when_it_opened_neither_close_it_nor_move_its_window() {
        RedisConnection.Breaker breaker = new RedisConnection.Breaker(WHERE, now::get);
        RedisConnection.Breaker.Pass first = breaker.pass("answer");
        RedisConnection.Breaker.Pass second = breaker.pass("answer");
        RedisConnection.Breaker.Pass third = breaker.pass("answer");
        breaker.failed(first, "it did not answer within 2 s.");
        now.addAndGet(700);
        breaker.failed(second, "it did not answer within 2 s.");
        breaker.answered(third);
        assertThatThrownBy(() -> breaker.pass("answer")).hasMessageEndingWith("not tried again for 300 ms.");
        now.addAndGet(300);
        assertThat(breaker.pass("answer")).isEqualTo(RedisConnection.Breaker.Pass.PROBE);
    }

    @Test
    void a_probe_that_ends_in_something_else_gives_its_place_to_the_next_call() {
        assertThatThrownBy(() -> connection.call("answer", failing(RedisConnectionTest::timeout)));
        now.addAndGet(1_000);
        assertThatThrownBy(() -> connection.call("answer", failing(() -> new IllegalStateException("a bug of ours"))))
                .isInstanceOf(IllegalStateException.class);
        assertThat(connection.call("answer", answering())).as("the next call is the probe, and closes it").isEqualTo("PONG");
        assertThat(connection.call("answer", answering())).isEqualTo("PONG");
    }
}
