package dev.e2bgateway.core;

import dev.e2bgateway.config.ProviderKeys;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.state.BackgroundRouteMarks;
import dev.e2bgateway.state.RouteMarks;
import dev.e2bgateway.support.Poll;
import dev.e2bgateway.upstream.FragmentsClient;
import dev.e2bgateway.upstream.UpstreamFailure;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The breaker's trial request on a fake clock: released on a hang-up, failed when it outlives its deadline. */
class RouteTableTest {

    private static final long TRIAL_MILLIS = 5_000;
    private static final OkHttpClient HTTP = new OkHttpClient();

    private final AtomicLong now = new AtomicLong(1_800_000_000_000L);
    private final Route a = route("a");
    private final Route b = route("b");
    private final RouteTable table = new RouteTable(List.of(a, b), now::get, RouteMarks.NONE, TRIAL_MILLIS);

    private static Route route(String name) {
        return new Route(name, new FragmentsClient(HTTP, URI.create("http://127.0.0.1:9"), Duration.ofSeconds(1)), ProviderKeys.NONE, 1);
    }

    private static UpstreamFailure refused() {
        return new UpstreamFailure(UpstreamFailure.Kind.CONNECT, "refused", true);
    }

    private RouteTable.Status status(Route route) {
        return table.status().stream().filter(s -> s.name().equals(route.name())).findFirst().orElseThrow();
    }

    /** Fails route a once and lets its break (1 s) pass, then hands out its trial; returns who got it. */
    private void aInTrial() {
        assertThat(table.pick(Set.of())).isEqualTo(a);
        table.failed(a, refused());
        now.addAndGet(1_000);
        Route next = table.pick(Set.of());
        if (next == b) next = table.pick(Set.of()); // round robin: a's turn comes within two picks
        assertThat(next).isEqualTo(a);
        assertThat(status(a).trial()).isTrue();
    }

    @Test
    void while_a_trial_is_in_flight_the_route_gets_no_other_request_and_is_not_reported_available() {
        aInTrial();
        for (int i = 0; i < 4; i++) assertThat(table.pick(Set.of())).isEqualTo(b);
        RouteTable.Status s = status(a);
        assertThat(s.available()).isFalse();
        assertThat(s.reason()).isEqualTo("trial");
    }

    @Test
    void a_trial_whose_client_hung_up_is_released_and_the_route_gets_the_next_trial() {
        aInTrial();
        table.released(a);
        assertThat(status(a).available()).isTrue();
        assertThat(status(a).failures()).as("a hang-up says nothing about the route").isEqualTo(1);
        Route next = table.pick(Set.of());
        if (next == b) next = table.pick(Set.of());
        assertThat(next).isEqualTo(a);
        table.succeeded(a);
        assertThat(status(a).failures()).isZero();
        assertThat(table.pick(Set.of())).isEqualTo(b);
        assertThat(table.pick(Set.of())).isEqualTo(a);
    }

    @Test
    void a_trial_that_tells_nothing_before_its_deadline_counts_as_failed_and_the_route_gets_another() {
        aInTrial();
        now.addAndGet(TRIAL_MILLIS - 1);
        assertThat(status(a).trial()).as("still within its deadline").isTrue();
        now.addAndGet(1);
        RouteTable.Status expired = status(a);
        assertThat(expired.trial()).isFalse();
        assertThat(expired.failures()).isEqualTo(2);
        assertThat(expired.reason()).isEqualTo("failing");
        assertThat(expired.available()).as("its second, longer break (2 s)").isFalse();
        assertThat(expired.sittingOutUntil()).isEqualTo(now.get() + 2_000);
        now.addAndGet(2_000);
        assertThat(status(a).available()).isTrue();
        Route next = table.pick(Set.of());
        if (next == b) next = table.pick(Set.of());
        assertThat(next).as("a new trial").isEqualTo(a);
    }

    @Test
    void picking_and_marking_never_wait_for_shared_marks_that_hang() throws Exception {
        CountDownLatch hanging = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        List<String> written = new CopyOnWriteArrayList<>();
        RouteMarks redisThatHangs = new RouteMarks() {
            @Override
            public void sitOut(String route, long untilMillis) {
                written.add(route + "@" + untilMillis);
            }

            @Override
            public Map<String, Long> marked() {
                hanging.countDown();
                try {
                    answer.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Map.of("b", now.get() + 60_000);
            }
        };
        try (BackgroundRouteMarks marks = new BackgroundRouteMarks(redisThatHangs, 10).start()) {
            hanging.await(); // the refresh thread is stuck in the shared store, and stays so
            RouteTable shared = new RouteTable(List.of(a, b), now::get, marks, TRIAL_MILLIS);
            for (int i = 0; i < 10; i++) shared.pick(Set.of());
            shared.failed(a, new UpstreamFailure(UpstreamFailure.Kind.RATE_LIMIT_DAILY, 429, "daily", false, now.get() + 5_000));
            assertThat(shared.pick(Set.of())).as("a sits out; b's shared mark is not known yet").isEqualTo(b);
            assertThat(written).as("the write waits behind the hanging read, the chat does not").isEmpty();
            answer.countDown();
            Poll.until("the mark is written", Duration.ofSeconds(10), () -> written.contains("a@" + (now.get() + 5_000)));
            Poll.until("b's shared mark is read", Duration.ofSeconds(10), () -> marks.marked().containsKey("b"));
            assertThatThrownBy(() -> shared.pick(Set.of())).as("both sit out their daily limits").isInstanceOf(ApiError.class);
        }
    }

    @Test
    void a_stale_trial_does_not_block_the_route_when_it_is_the_only_one_left() {
        aInTrial();
        now.addAndGet(TRIAL_MILLIS + 2_000);
        assertThat(table.pick(Set.of(b))).isEqualTo(a);
        assertThat(status(a).trial()).isTrue();
    }

    @Test
    void a_route_at_its_daily_limit_sits_out_until_its_reset_and_then_takes_requests_again() {
        long reset = now.get() + 2_500;
        table.failed(a, new UpstreamFailure(UpstreamFailure.Kind.RATE_LIMIT_DAILY, 429, "daily", false, reset));
        assertThat(status(a).available()).isFalse();
        assertThat(status(a).reason()).isEqualTo("daily_limit");
        assertThat(status(a).sittingOutUntil()).isEqualTo(reset);
        for (int i = 0; i < 4; i++) assertThat(table.pick(Set.of())).as("sitting out").isEqualTo(b);
        now.set(reset - 1);
        assertThat(table.pick(Set.of())).as("a millisecond before its reset").isEqualTo(b);
        now.set(reset);
        assertThat(status(a).available()).isTrue();
        Set<Route> picked = new java.util.HashSet<>();
        for (int i = 0; i < 4; i++) picked.add(table.pick(Set.of()));
        assertThat(picked).as("back after its reset").containsExactlyInAnyOrder(a, b);
    }

    @Test
    void when_every_route_is_at_its_daily_limit_the_429_names_the_soonest_reset() {
        table.failed(a, new UpstreamFailure(UpstreamFailure.Kind.RATE_LIMIT_DAILY, 429, "daily", false, now.get() + 40_000));
        table.failed(b, new UpstreamFailure(UpstreamFailure.Kind.RATE_LIMIT_DAILY, 429, "daily", false, now.get() + 20_000));
        assertThatThrownBy(() -> table.pick(Set.of())).isInstanceOfSatisfying(ApiError.class, e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.retryAfterSeconds()).isEqualTo(20L);
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).isEqualTo("Every upstream route has reached the host's daily request limit. Try again "
                    + Later.in(now.get() + 20_000, now.get()) + ".");
            assertThat(e.getMessage()).contains("in about 20 s");
        });
        now.addAndGet(20_000);
        assertThat(table.pick(Set.of())).as("b's reset has come").isEqualTo(b);
    }
}
