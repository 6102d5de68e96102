package dev.e2bgateway.state;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The slots of the limits on chats at once, as {@link Leases}: a chat takes a lease of
 * {@link #LEASE_MILLIS} with an id of its own, and gives it back when it is over. A counter
 * (+1, -1) lost its -1 whenever Redis failed as a chat ended, and the key ran a slot short from
 * then on; a lease is freed by its end whatever happens to the gateway or to Redis.
 *
 * <p>So that a long chat keeps its slot, one daemon thread renews the leases of this process's
 * chats in flight every third of a lease ({@link #tick}); a lease that cannot be given back
 * (Redis unavailable) is kept and given back by the same thread once Redis answers (or by the
 * next chat of its key, whichever comes first), or dropped when it has ended anyway. Nothing here throws after a chat: {@link #give} never fails.
 */
public final class ConcurrencySlots implements AutoCloseable {

    /** Long enough that renewals every third of it survive a short Redis outage; short enough that a dead gateway's slots come back soon. */
    public static final long LEASE_MILLIS = 5 * 60_000;

    private static final Logger log = LoggerFactory.getLogger(ConcurrencySlots.class);

    /** One chat's slot. */
    public record Lease(String group, String id) {
    }

    private final Leases leases;
    private final LongSupplier clock;
    private final ScheduledThreadPoolExecutor worker;
    /** The leases of this process's chats in flight. */
    private final Set<Lease> held = ConcurrentHashMap.newKeySet();
    /** Leases of chats that are over but could not be given back, each with its end as last written. */
    private final Map<Lease, Long> ungiven = new ConcurrentHashMap<>();

    /** @param clock epoch milliseconds; the leases' ends are written in it */
    public ConcurrencySlots(Leases leases, LongSupplier clock) {
        this.leases = leases;
        this.clock = clock;
        this.worker = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "concurrency-leases");
            t.setDaemon(true);
            return t;
        });
        worker.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Starts the renewals and the sending of leases not given back: every third of a lease. */
    public ConcurrencySlots start() {
        worker.scheduleWithFixedDelay(this::tick, LEASE_MILLIS / 3, LEASE_MILLIS / 3, TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * A slot of {@code group} for one chat, or null when its {@code limit} slots are taken.
     *
     * @throws StoreUnavailableException when Redis cannot be asked or did not answer (nothing is held then; a
     *                                   take Redis runs late is given back)
     */
    public Lease take(String group, int limit) {
        long now = clock.getAsLong();
        giveBackUngiven(group, now); // a slot a chat of this key could not give back is free once Redis answers again, not a tick later
        Lease lease = new Lease(group, UUID.randomUUID().toString());
        long end = now + LEASE_MILLIS;
        try {
            if (!leases.take(group, lease.id(), limit, now, end)) return null;
        } catch (StoreUnavailableException e) {
            // A take whose answer never came may still be run: a stalled Redis runs the commands queued
            // meanwhile. Its id is known, so it is given back like any slot not given back: by the next
            // take of its group or the next tick, once Redis answers (a lease nobody has does no harm).
            ungiven.put(lease, end);
            throw e;
        }
        held.add(lease);
        return lease;
    }

    /** Gives the slot back; never throws: what Redis cannot take now is sent again by the next {@link #tick} or {@link #take} of its group. */
    public void give(Lease lease) {
        if (!held.remove(lease)) return; // given back already
        try {
            leases.release(lease.group(), lease.id());
        } catch (RuntimeException e) {
            // Sent again until it goes through or the lease has surely ended: a renewal under way as the
            // chat ended may have moved its end to a lease from now.
            ungiven.put(lease, clock.getAsLong() + LEASE_MILLIS);
            log.debug("a slot of {} is given back later: {}", lease.group(), e.getMessage());
        }
    }

    /** How many slots this process holds for chats in flight. */
    public int held() {
        return held.size();
    }

    /** How many slots of chats that are over this process still has to give back. */
    public int ungiven() {
        return ungiven.size();
    }

    /**
     * Gives back the leases that could not be given back before (those that ended are dropped: Redis
     * has freed them itself), then renews the leases of the chats in flight. Stops at the first
     * failure until the next tick: Redis is unavailable, and asking it for every lease would only
     * cost more. On the worker thread; public so that tests move it with their clock.
     */
    public void tick() {
        try {
            long now = clock.getAsLong();
            giveBackUngiven(null, now);
            long end = now + LEASE_MILLIS;
            for (Lease lease : held) {
                leases.renew(lease.group(), lease.id(), now, end); // one given back meanwhile stays given back
            }
        } catch (StoreUnavailableException e) {
            log.debug("the slots of chats at once are renewed later: {}", e.getMessage());
        } catch (RuntimeException e) {
            log.warn("renewing the slots of chats at once failed", e); // the schedule must go on
        }
    }

    /** Gives back the leases of {@code group} (null: of every group) that could not be given back before; drops those that ended. */
    private void giveBackUngiven(String group, long now) {
        for (Map.Entry<Lease, Long> e : ungiven.entrySet()) {
            Lease lease = e.getKey();
            if (group != null && !group.equals(lease.group())) continue;
            if (e.getValue() > now) leases.release(lease.group(), lease.id());
            ungiven.remove(lease);
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
