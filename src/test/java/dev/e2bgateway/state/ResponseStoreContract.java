package dev.e2bgateway.state;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link ResponseStore} does, run against each of them (MemoryResponseStoreContractTest,
 * RedisResponseStoreContractIT), so that the memory store and the Redis store cannot drift
 * apart: storing and reading, items, deleting, owners, and expiry. Time passes by
 * {@link #advance}, never by sleeping. What only one store does (the memory store's bounds) is
 * tested beside it.
 */
abstract class ResponseStoreContract {

    static final Duration TTL = Duration.ofSeconds(60);
    static final String ALICE = "alice";
    static final String BOB = "bob";

    ResponseStore store;

    /** A new, empty store whose entries expire {@link #TTL} after their last use. */
    abstract ResponseStore newStore();

    /** Lets {@code time} pass for the store. */
    abstract void advance(Duration time);

    @BeforeEach
    void open() {
        store = newStore();
    }

    private void storeConversation() {
        store.put(ALICE, "resp_1", "{\"doc\":1}", Map.of("msg_1", "{\"id\":\"msg_1\"}", "fc_1", "{\"id\":\"fc_1\"}"));
    }

    @Test
    void a_stored_response_and_its_items_come_back_to_their_owner_and_go_when_deleted() {
        storeConversation();
        assertThat(store.get(ALICE, List.of("resp_1", "resp_unknown"))).containsExactly(Map.entry("resp_1", "{\"doc\":1}"));
        assertThat(store.items(ALICE, List.of("fc_1", "msg_x", "msg_1")))
                .containsExactly(Map.entry("fc_1", "{\"id\":\"fc_1\"}"), Map.entry("msg_1", "{\"id\":\"msg_1\"}"));
        assertThat(store.delete(ALICE, "resp_1")).isTrue();
        assertThat(store.delete(ALICE, "resp_1")).isFalse();
        assertThat(store.get(ALICE, List.of("resp_1"))).isEmpty();
        assertThat(store.items(ALICE, List.of("msg_1", "fc_1"))).isEmpty();
    }

    @Test
    void several_responses_come_back_in_the_order_asked_and_nothing_asked_is_nothing_found() {
        store.put(ALICE, "a", "A", Map.of());
        store.put(ALICE, "b", "B", Map.of());
        store.put(ALICE, "c", "C", Map.of());
        assertThat(store.get(ALICE, List.of("c", "x", "a", "b"))).containsExactly(Map.entry("c", "C"), Map.entry("a", "A"),
                Map.entry("b", "B"));
        assertThat(store.get(ALICE, List.of())).isEmpty();
        assertThat(store.items(ALICE, List.of())).isEmpty();
    }

    @Test
    void storing_an_id_again_replaces_its_document_and_its_items() {
        storeConversation();
        store.put(ALICE, "resp_1", "{\"doc\":2}", Map.of("msg_2", "{\"id\":\"msg_2\"}"));
        assertThat(store.get(ALICE, List.of("resp_1"))).containsExactly(Map.entry("resp_1", "{\"doc\":2}"));
        assertThat(store.items(ALICE, List.of("msg_1", "fc_1", "msg_2"))).containsExactly(Map.entry("msg_2", "{\"id\":\"msg_2\"}"));
    }

    @Test
    void another_owner_finds_nothing_deletes_nothing_and_leaves_the_owners_response_as_it_was() {
        storeConversation();
        assertThat(store.get(BOB, List.of("resp_1"))).isEmpty();
        assertThat(store.items(BOB, List.of("msg_1", "fc_1"))).isEmpty();
        assertThat(store.delete(BOB, "resp_1")).isFalse();
        assertThat(store.get(ALICE, List.of("resp_1"))).containsExactly(Map.entry("resp_1", "{\"doc\":1}"));
        assertThat(store.items(ALICE, List.of("msg_1", "fc_1"))).hasSize(2);
    }

    @Test
    void owners_responses_live_side_by_side_each_seeing_only_its_own() {
        storeConversation();
        store.put(BOB, "resp_2", "{\"doc\":\"bob\"}", Map.of("msg_2", "{}"));
        assertThat(store.get(ALICE, List.of("resp_1", "resp_2")).keySet()).containsExactly("resp_1");
        assertThat(store.get(BOB, List.of("resp_1", "resp_2")).keySet()).containsExactly("resp_2");
        assertThat(store.items(BOB, List.of("msg_1", "msg_2")).keySet()).containsExactly("msg_2");
        assertThat(store.delete(ALICE, "resp_1")).isTrue();
        assertThat(store.get(BOB, List.of("resp_2")).keySet()).containsExactly("resp_2");
    }

    @Test
    void a_response_and_its_items_expire_their_ttl_after_the_last_use_not_after_they_were_stored() {
        storeConversation();
        store.put(ALICE, "idle", "I", Map.of("msg_idle", "{}"));
        advance(Duration.ofSeconds(50));
        assertThat(store.get(ALICE, List.of("resp_1"))).hasSize(1); // used at 50 s: lives until 110 s
        advance(Duration.ofSeconds(20));
        assertThat(store.get(ALICE, List.of("resp_1", "idle")).keySet()).containsExactly("resp_1");
        assertThat(store.items(ALICE, List.of("msg_idle"))).isEmpty();
        advance(Duration.ofSeconds(61));
        assertThat(store.get(ALICE, List.of("resp_1"))).isEmpty();
        assertThat(store.items(ALICE, List.of("msg_1", "fc_1"))).isEmpty();
        assertThat(store.delete(ALICE, "resp_1")).isFalse();
    }

    @Test
    void reading_a_response_keeps_its_items_and_reading_an_item_keeps_its_response_and_the_other_items() {
        storeConversation();
        advance(Duration.ofSeconds(50));
        store.get(ALICE, List.of("resp_1"));
        advance(Duration.ofSeconds(50)); // 100 s after storing, 50 s after the response was read
        assertThat(store.items(ALICE, List.of("msg_1"))).as("an item lives as long as its response").hasSize(1);
        advance(Duration.ofSeconds(50)); // 50 s after msg_1 was read
        assertThat(store.items(ALICE, List.of("fc_1"))).as("reading one item keeps the other").hasSize(1);
        advance(Duration.ofSeconds(50));
        assertThat(store.get(ALICE, List.of("resp_1"))).as("reading an item keeps its response").hasSize(1);
    }

    @Test
    void another_owners_reads_do_not_keep_a_response_alive() {
        storeConversation();
        advance(Duration.ofSeconds(50));
        assertThat(store.get(BOB, List.of("resp_1"))).isEmpty();
        assertThat(store.items(BOB, List.of("msg_1"))).isEmpty();
        advance(Duration.ofSeconds(20));
        assertThat(store.get(ALICE, List.of("resp_1"))).isEmpty();
        assertThat(store.items(ALICE, List.of("msg_1"))).isEmpty();
    }
}
