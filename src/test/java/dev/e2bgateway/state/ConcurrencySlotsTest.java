package dev.e2bgateway.state;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static dev.e2bgateway.state.ConcurrencySlots.LEASE_MILLIS;
import static org.assertj.core.api.Assertions.assertThat;

/** The slots of chats at once as leases in memory, on a clock the test moves by hand; the worker thread is never started. */
class ConcurrencySlotsTest {

    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private final ConcurrencySlots slots = new ConcurrencySlots(new MemoryLeases(), clock::get);

    @Test
    void a_key_gets_as_many_slots_as_its_limit_and_each_key_its_own() {
        assertThat(slots.take("ide", 2)).isNotNull();
        assertThat(slots.take("ide", 2)).isNotNull();
        assertThat(slots.take("ide", 2)).as("a third chat at once").isNull();
        assertThat(slots.take("ci", 1)).as("another key's slots").isNotNull();
        assertThat(slots.held()).isEqualTo(3);
    }

    @Test
    void a_slot_given_back_is_free_again_and_giving_it_back_twice_frees_no_other() {
        ConcurrencySlots.Lease first = slots.take("ide", 2);
        ConcurrencySlots.Lease second = slots.take("ide", 2);
        assertThat(second).isNotNull();
        slots.give(first);
        slots.give(first);
        assertThat(slots.take("ide", 2)).as("the slot given back").isNotNull();
        assertThat(slots.take("ide", 2)).as("the second give freed nothing more").isNull();
        assertThat(slots.ungiven()).isZero();
    }

    @Test
    void a_lease_never_given_back_frees_its_slot_when_it_ends() {
        assertThat(slots.take("ide", 1)).isNotNull(); // a gateway that dies here never gives it back, nor renews it
        clock.addAndGet(LEASE_MILLIS - 1);
        assertThat(slots.take("ide", 1)).as("the lease has a millisecond left").isNull();
        clock.addAndGet(1);
        assertThat(slots.take("ide", 1)).as("the lease has ended").isNotNull();
    }

    @Test
    void a_chat_in_flight_keeps_its_slot_past_the_first_lease_while_it_is_renewed() {
        ConcurrencySlots.Lease lease = slots.take("ide", 1);
        for (int i = 0; i < 10; i++) { // ten thirds of a lease: over three leases long
            clock.addAndGet(LEASE_MILLIS / 3);
            slots.tick();
            assertThat(slots.take("ide", 1)).as("after %d renewals", i + 1).isNull();
        }
        slots.give(lease);
        assertThat(slots.take("ide", 1)).isNotNull();
    }

    @Test
    void a_renewal_does_not_bring_back_a_slot_given_back_and_the_renewals_stop_with_the_chat() {
        ConcurrencySlots.Lease lease = slots.take("ide", 1);
        slots.give(lease);
        ConcurrencySlots.Lease next = slots.take("ide", 1);
        clock.addAndGet(LEASE_MILLIS / 3);
        slots.tick();
        slots.give(next);
        assertThat(slots.held()).isZero();
        assertThat(slots.take("ide", 1)).as("neither lease came back").isNotNull();
    }

    @Test
    void memory_leases_take_an_id_once_and_renew_only_what_is_still_there() {
        MemoryLeases leases = new MemoryLeases();
        assertThat(leases.take("ide", "a", 1, 0, 100)).isTrue();
        assertThat(leases.take("ide", "a", 1, 0, 100)).as("the same lease again: sent twice").isTrue();
        assertThat(leases.take("ide", "b", 1, 50, 150)).isFalse();
        leases.release("ide", "a");
        leases.renew("ide", "a", 60, 200);
        assertThat(leases.take("ide", "b", 1, 60, 160)).as("a renewal after the release revived nothing").isTrue();
        leases.renew("ide", "b", 150, 300);
        assertThat(leases.take("ide", "c", 1, 200, 300)).as("renewed past its first end").isFalse();
        assertThat(leases.take("ide", "c", 1, 300, 400)).as("ended").isTrue();
    }
}
