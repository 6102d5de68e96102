package dev.e2bgateway.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {

    private static final long NOW = 1_800_000_000_000L;

    private static Backoff backoff(double random) {
        return new Backoff(500, 30_000, () -> random, () -> NOW);
    }

    @Test
    void delays_double_with_each_attempt_scaled_by_the_jitter() {
        assertThat(backoff(0.5).delayMillis(1, null)).isEqualTo(500);
        assertThat(backoff(0.5).delayMillis(2, null)).isEqualTo(1000);
        assertThat(backoff(0.5).delayMillis(3, null)).isEqualTo(2000);
        assertThat(backoff(0.0).delayMillis(1, null)).as("jitter at its low end").isEqualTo(250);
        assertThat(backoff(0.999).delayMillis(2, null)).as("jitter at its high end").isEqualTo(1499);
    }

    @Test
    void delays_never_exceed_the_cap() {
        assertThat(backoff(0.999).delayMillis(12, null)).isEqualTo(30_000);
        assertThat(backoff(0.999).delayMillis(400, null)).as("no overflow for absurd attempt numbers").isEqualTo(30_000);
    }

    @Test
    void the_upstreams_reset_time_wins_when_it_is_within_the_cap() {
        assertThat(backoff(0.5).delayMillis(1, NOW + 4_200)).isEqualTo(4_200);
        assertThat(backoff(0.5).delayMillis(1, NOW - 10)).as("a reset already past: go at once").isZero();
    }

    @Test
    void a_reset_beyond_the_cap_falls_back_to_the_backoff() {
        assertThat(backoff(0.5).delayMillis(2, NOW + 3_600_000)).isEqualTo(1000);
    }
}
