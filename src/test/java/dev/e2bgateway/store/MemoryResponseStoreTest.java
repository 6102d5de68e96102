package dev.e2bgateway.store;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The in-memory store's bounds: count, bytes and time to live, the least recently used out first. */
class MemoryResponseStoreTest {

    private final AtomicLong now = new AtomicLong(1_000_000);

    private MemoryResponseStore store(int max, long bytes, Duration ttl) {
        return new MemoryResponseStore(max, bytes, ttl, now::get);
    }

    @Test
    void a_stored_response_and_its_items_come_back_and_go_when_deleted() {
        MemoryResponseStore store = store(10, 1 << 20, Duration.ofHours(1));
        store.put("resp_1", "{\"doc\":1}", Map.of("msg_1", "{\"id\":\"msg_1\"}", "fc_1", "{\"id\":\"fc_1\"}"));
        assertThat(store.get(List.of("resp_1", "resp_unknown"))).containsExactly(Map.entry("resp_1", "{\"doc\":1}"));
        assertThat(store.items(List.of("fc_1", "msg_x"))).containsExactly(Map.entry("fc_1", "{\"id\":\"fc_1\"}"));
        assertThat(store.delete("resp_1")).isTrue();
        assertThat(store.delete("resp_1")).isFalse();
        assertThat(store.get(List.of("resp_1"))).isEmpty();
        assertThat(store.items(List.of("msg_1"))).isEmpty();
    }

    @Test
    void beyond_the_count_the_least_recently_used_goes_first_with_its_items() {
        MemoryResponseStore store = store(2, 1 << 20, Duration.ofHours(1));
        store.put("a", "A", Map.of("item_a", "{}"));
        store.put("b", "B", Map.of());
        store.get(List.of("a")); // a is used again: b is now the least recently used
        store.put("c", "C", Map.of());
        assertThat(store.get(List.of("a", "b", "c")).keySet()).containsExactly("a", "c");
        store.put("d", "D", Map.of());
        assertThat(store.get(List.of("a", "b", "c", "d")).keySet()).containsExactly("c", "d");
        assertThat(store.items(List.of("item_a"))).isEmpty();
        assertThat(store.size()).isEqualTo(2);
    }

    @Test
    void beyond_the_byte_budget_the_oldest_go_but_the_newest_always_stays() {
        MemoryResponseStore store = store(100, 25, Duration.ofHours(1));
        store.put("a", "x".repeat(10), Map.of());
        store.put("b", "x".repeat(10), Map.of());
        store.put("c", "x".repeat(10), Map.of());
        assertThat(store.get(List.of("a", "b", "c")).keySet()).containsExactly("b", "c");
        store.put("huge", "x".repeat(100), Map.of());
        assertThat(store.get(List.of("b", "c", "huge")).keySet()).containsExactly("huge");
    }

    @Test
    void an_entry_expires_its_ttl_after_its_last_use_not_after_it_was_stored() {
        MemoryResponseStore store = store(10, 1 << 20, Duration.ofSeconds(60));
        store.put("kept", "K", Map.of("item_k", "{}"));
        store.put("idle", "I", Map.of());
        now.addAndGet(50_000);
        assertThat(store.get(List.of("kept"))).hasSize(1); // used at 50 s: lives until 110 s
        now.addAndGet(20_000);
        assertThat(store.get(List.of("kept", "idle")).keySet()).containsExactly("kept");
        assertThat(store.items(List.of("item_k"))).hasSize(1);
        now.addAndGet(60_000);
        assertThat(store.get(List.of("kept"))).isEmpty();
        assertThat(store.items(List.of("item_k"))).isEmpty();
    }

    @Test
    void expired_entries_are_swept_when_a_new_one_is_stored() {
        MemoryResponseStore store = store(10, 1 << 20, Duration.ofSeconds(60));
        for (int i = 0; i < 5; i++) store.put("old" + i, "O", Map.of());
        now.addAndGet(61_000);
        store.put("new", "N", Map.of());
        assertThat(store.size()).isEqualTo(1);
    }
}
