package dev.e2bgateway.http;

import dev.e2bgateway.core.ChatTrace;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.error.LogSafe;
import dev.e2bgateway.state.ConcurrencySlots;
import dev.e2bgateway.state.Counters;
import dev.e2bgateway.state.StoreUnavailableException;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * Each key's limits: chats per minute and per day (fixed windows, UTC-aligned) and chats at once.
 * A chat over a limit gets 429 with {@code Retry-After}, in the caller's dialect; every response
 * to a key with limits carries OpenAI-style {@code x-ratelimit-*-requests} headers for the window
 * closest to its limit. The counts live in {@link Counters} and the slots of chats at once in
 * {@link ConcurrencySlots} (leases, freed by their end whatever fails): this process's memory, or
 * Redis so that several gateways share them (a Redis that fails lets chats through, with a warning).
 */
public final class KeyLimiter {

    /** One chat admitted; close it when the chat is over. */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    private static final Logger log = LoggerFactory.getLogger(KeyLimiter.class);
    private static final Permit NONE = () -> { };
    private static final long MINUTE = 60_000;
    private static final long DAY = 86_400_000;

    private final Counters counters;
    private final ConcurrencySlots slots;
    private final LongSupplier clock;
    private final BiConsumer<String, String> onLimited;

    /** @param onLimited told the key's name and the limit ({@code rpm}, {@code rpd}, {@code concurrency}) on every refusal */
    public KeyLimiter(Counters counters, ConcurrencySlots slots, LongSupplier clock, BiConsumer<String, String> onLimited) {
        this.counters = counters;
        this.slots = slots;
        this.clock = clock;
        this.onLimited = onLimited;
    }

    /** Counts one chat for {@code key}, or refuses it with a 429; sets the rate-limit headers. */
    public Permit admit(Context ctx, ClientKey key) {
        if (key == null || !key.limited()) return NONE;
        try {
            return count(ctx, key);
        } catch (StoreUnavailableException e) {
            // Limits are for fairness; a Redis that is down must not stop every chat. Said loudly, and counted.
            log.warn("per-key limits not applied to {}: {}", key.name(), LogSafe.message(e.getMessage()));
            onLimited.accept(key.name(), "unchecked");
            return NONE;
        }
    }

    private Permit count(Context ctx, ClientKey key) {
        long now = clock.getAsLong();
        ConcurrencySlots.Lease lease = null;
        if (key.concurrency() > 0) {
            lease = slots.take(key.name(), key.concurrency());
            if (lease == null) throw refused(key, "concurrency", "more than " + key.concurrency() + " chats at once", 1);
        }
        boolean minuteCounted = false;
        try {
            minuteCounted = count(key, "rpm", key.rpm(), MINUTE, now);
            count(key, "rpd", key.rpd(), DAY, now);
            writeHeaders(ctx, key);
        } catch (RuntimeException e) {
            // Refused by a window, or Redis failed after the slot was taken: the chat does not run, so it holds no slot.
            if (lease != null) slots.give(lease);
            // Refused by the day: the chat does not count against the minute either. (A Redis that failed lets it run: it counts.)
            if (minuteCounted && e instanceof ApiError) uncount(key, "rpm", MINUTE, now);
            throw e;
        }
        if (lease == null) return NONE;
        ConcurrencySlots.Lease held = lease;
        return () -> slots.give(held); // never throws: a slot Redis cannot take back now is given back later
    }

    /** Counts the chat in one window, or refuses it; returns whether it counted (false: that window has no limit). */
    private boolean count(ClientKey key, String name, int limit, long window, long now) {
        if (limit <= 0) return false;
        long end = (now / window + 1) * window;
        String counter = name + ":" + key.name() + ":" + now / window;
        if (counters.add(counter, 1, end) > limit) {
            counters.add(counter, -1, end); // a refused chat does not count
            throw refused(key, name, "its " + limit + " chats per " + (window == MINUTE ? "minute" : "day (UTC)"),
                    Math.max(1, (end - now + 999) / 1000));
        }
        return true;
    }

    /** Takes back a count of a chat another window refused; a Redis failing now costs the key one count of this minute. */
    private void uncount(ClientKey key, String name, long window, long now) {
        try {
            counters.add(name + ":" + key.name() + ":" + now / window, -1, (now / window + 1) * window);
        } catch (StoreUnavailableException e) {
            log.debug("a count of {} could not be taken back: {}", key.name(), LogSafe.message(e.getMessage()));
        }
    }

    private ApiError refused(ClientKey key, String limit, String what, long retryAfterSeconds) {
        onLimited.accept(key.name(), limit);
        return new ApiError(ApiError.Kind.RATE_LIMITED, null, "rate_limit_exceeded",
                "The key '" + key.name() + "' has used " + what + "; retry in " + retryAfterSeconds + " s.", true, retryAfterSeconds);
    }

    /**
     * The key's daily budget of sandbox runs ({@code sandbox_runs_per_day}): each call counts one run,
     * or says no once the day's are spent. A Redis that fails lets the run go, as with the chat limits.
     */
    public ChatTrace.SandboxAllowance sandboxAllowance(ClientKey key) {
        if (key == null || key.sandboxRunsPerDay() <= 0) return () -> true;
        return () -> {
            long now = clock.getAsLong();
            long end = (now / DAY + 1) * DAY;
            String counter = "sandbox:" + key.name() + ":" + now / DAY;
            try {
                if (counters.add(counter, 1, end) <= key.sandboxRunsPerDay()) return true;
                counters.add(counter, -1, end); // a refused run does not count
                onLimited.accept(key.name(), "sandbox_runs_per_day");
                return false;
            } catch (StoreUnavailableException e) {
                log.warn("the sandbox-run budget not applied to {}: {}", key.name(), LogSafe.message(e.getMessage()));
                return true;
            }
        };
    }

    /** The {@code x-ratelimit-*-requests} headers for the window closest to its limit. */
    public void headers(Context ctx, ClientKey key) {
        if (key == null || (key.rpm() <= 0 && key.rpd() <= 0)) return;
        try {
            writeHeaders(ctx, key);
        } catch (StoreUnavailableException e) {
            log.debug("no rate-limit headers for {}: {}", key.name(), LogSafe.message(e.getMessage()));
        }
    }

    private void writeHeaders(Context ctx, ClientKey key) {
        if (key.rpm() <= 0 && key.rpd() <= 0) return; // only concurrency: no window to report
        long now = clock.getAsLong();
        long[] minute = window(key, "rpm", key.rpm(), MINUTE, now);
        long[] day = window(key, "rpd", key.rpd(), DAY, now);
        long[] tight = minute == null ? day : day == null ? minute : minute[1] <= day[1] ? minute : day;
        ctx.header("x-ratelimit-limit-requests", String.valueOf(tight[0]));
        ctx.header("x-ratelimit-remaining-requests", String.valueOf(tight[1]));
        ctx.header("x-ratelimit-reset-requests", duration(tight[2]));
    }

    /** {limit, remaining, millis to reset}, or null without a limit. */
    private long[] window(ClientKey key, String name, int limit, long window, long now) {
        if (limit <= 0) return null;
        long used = counters.get(name + ":" + key.name() + ":" + now / window);
        return new long[]{limit, Math.max(0, limit - used), (now / window + 1) * window - now};
    }

    /** As OpenAI writes it: {@code 20ms}, {@code 17s}, {@code 6m0s}, {@code 13h4m12s}. */
    static String duration(long millis) {
        if (millis < 1000) return millis + "ms";
        long s = (millis + 999) / 1000;
        if (s < 60) return s + "s";
        if (s < 3600) return s / 60 + "m" + s % 60 + "s";
        return s / 3600 + "h" + s % 3600 / 60 + "m" + s % 60 + "s";
    }
}
