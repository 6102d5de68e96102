package dev.e2bgateway.core;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** When to try again, in words a person reads in a chat UI's error bubble. */
class LaterTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2026-12-04T13:55:00Z | 2026-12-04T13:56:30Z | in about 90 s (at 13:57 UTC)",
            "2026-12-04T13:55:00Z | 2026-12-04T13:55:00.200Z | in about 1 s (at 13:56 UTC)",
            "2026-12-04T13:55:00Z | 2026-12-04T13:54:00Z | in about 1 s (at 13:55 UTC)",
            "2026-12-04T13:55:00Z | 2026-12-04T14:20:10Z | in about 25 min (at 14:21 UTC)",
            "2026-12-04T13:55:00Z | 2026-12-04T18:50:00Z | in about 5 h (at 18:50 UTC)",
            "2026-12-04T23:30:00Z | 2026-12-05T09:00:00Z | in about 10 h (at Dec 5, 09:00 UTC)",
    })
    void says_how_long_and_the_clock_time_rounded_up_to_the_minute(Instant now, Instant at, String expected) {
        assertThat(Later.in(at.toEpochMilli(), now.toEpochMilli())).isEqualTo(expected);
    }
}
