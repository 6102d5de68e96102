package dev.e2bgateway.state;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-memory store's own bounds: count and bytes, the least recently used out first (all owners
 * together), expired entries swept. What every store does is in ResponseStoreContract.
 */
class MemoryResponseStoreTest {

    private final AtomicLong now = new AtomicLong(1_000_000);

    private MemoryResponseStore store(int max, long bytes, Duration ttl) {
        return new MemoryResponseStore(max, bytes, ttl, now::get);
    }

    @Test
    void beyond_the_count_the_least_recently_used_goes_first_with_its_items() {
        MemoryResponseStore store = store(2, 1 << 20, Duration.ofHours(1));
        store.put("o", "a", "A", Map.of("item_a", "{}"));
        store.put("o", "b", "B", Map.of());
        store.get("o", List.of("a")); // a is used again: b is now the least recently used
        store.put("o", "c", "C", Map.of());
        assertThat(store.get("o", List.of("a", "b", "c")).keySet()).containsExactly("a", "c");
        store.put("o", "d", "D", Map.of());
        assertThat(store.get("o", List.of("a", "b", "c", "d")).keySet()).containsExactly("c", "d");
        assertThat(store.items("o", List.of("item_a"))).isEmpty();
        assertThat(store.size()).isEqualTo(2);
    }

    @Test
    void another_owners_look_up_does_not_move_a_response_in_the_eviction_order() {
        MemoryResponseStore store = store(2, 1 << 20, Duration.ofHours(1));
        store.put("alice", "a", "A", Map.of("item_a", "{}"));
        store.put("alice", "b", "B", Map.of());
        assertThat(store.get("bob", List.of("a"))).isEmpty();
        assertThat(store.items("bob", List.of("item_a"))).isEmpty();
        store.put("alice", "c", "C", Map.of());
        assertThat(store.get("alice", List.of("a", "b", "c")).keySet()).containsExactly("b", "c");
    }

    @Test
    void beyond_the_byte_budget_the_oldest_go_but_the_newest_always_stays() {
        MemoryResponseStore store = store(100, 25, Duration.ofHours(1));
        store.put("o", "a", "x".repeat(10), Map.of());
        store.put("o", "b", "x".repeat(10), Map.of());
        store.put("o", "c", "x".repeat(10), Map.of());
        assertThat(store.get("o", List.of("a", "b", "c")).keySet()).containsExactly("b", "c");
        store.put("o", "huge", "x".repeat(100), Map.of());
        assertThat(store.get("o", List.of("b", "c", "huge")).keySet()).containsExactly("huge");
    }

    @Test
    void expired_entries_are_swept_when_a_new_one_is_stored() {
        MemoryResponseStore store = store(10, 1 << 20, Duration.ofSeconds(60));
        for (int i = 0; i < 5; i++) store.put("o", "old" + i, "O", Map.of());
        now.addAndGet(61_000);
        store.put("o", "new", "N", Map.of());
        assertThat(store.size()).isEqualTo(1);
    }
}
