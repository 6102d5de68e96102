package dev.e2bgateway.core;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * When to try again, said the way a person reads it in a chat UI's error bubble:
 * "in about 90 s (at 14:05 UTC)". Chat UIs show the error message, not the Retry-After header.
 */
public final class Later {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
    // English month names whatever the JVM's locale: the rest of the message is English too.
    private static final DateTimeFormatter DAY_AND_CLOCK = DateTimeFormatter.ofPattern("MMM d, HH:mm", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private Later() {
    }

    /** "in about 90 s (at 14:05 UTC)", "in about 25 min (at ...)", "in about 3 h (at ...)"; a past time reads "in about 1 s". */
    public static String in(long atMillis, long nowMillis) {
        long seconds = Math.max(1, (atMillis - nowMillis + 999) / 1000);
        String about = seconds < 120 ? seconds + " s"
                : seconds < 90 * 60 ? (seconds + 30) / 60 + " min"
                : (seconds + 1800) / 3600 + " h";
        // The clock time rounds up to the minute: a person who comes back at that minute is not early.
        Instant at = Instant.ofEpochMilli((Math.max(atMillis, nowMillis) + 59_999) / 60_000 * 60_000);
        boolean sameDay = at.atZone(ZoneOffset.UTC).toLocalDate().equals(Instant.ofEpochMilli(nowMillis).atZone(ZoneOffset.UTC).toLocalDate());
        return "in about " + about + " (at " + (sameDay ? CLOCK : DAY_AND_CLOCK).format(at) + " UTC)";
    }
}
