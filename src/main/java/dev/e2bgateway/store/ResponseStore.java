package dev.e2bgateway.store;

import java.util.Collection;
import java.util.Map;

/**
 * Where the Responses API keeps what {@code store: true} asks for, so that
 * {@code previous_response_id}, {@code item_reference} and {@code GET /v1/responses/{id}} work:
 * each response as one opaque document, and its output items by item id. The documents' shape
 * belongs to the Responses dialect; a store only keeps them.
 *
 * <p>Every entry expires a fixed time after its last use (stored or read), so a conversation
 * that goes on stays; what is not used goes. A store that cannot answer throws
 * {@link StoreUnavailableException} at once, never hangs.
 */
public interface ResponseStore extends AutoCloseable {

    /** Keeps a response's document and its output items (item id to item JSON), replacing any with that id. */
    void put(String id, String document, Map<String, String> items);

    /** The documents of those {@code ids} that are stored (unknown and expired ones left out), each one's time restarted. */
    Map<String, String> get(Collection<String> ids);

    /** The items of those {@code ids} that are stored, each one's time restarted. */
    Map<String, String> items(Collection<String> ids);

    /** Forgets a response and its items; false if it was not stored. */
    boolean delete(String id);

    /** Throws {@link StoreUnavailableException} unless the store can take a response now. */
    void check();

    /** Where responses are kept, for the startup log (no secrets). */
    String description();

    @Override
    void close();

    /** A time to live for a log line: "30 d", "2 h", "90 min", "45 s". */
    static String describe(java.time.Duration ttl) {
        long s = ttl.toSeconds();
        if (s % 86_400 == 0) return s / 86_400 + " d";
        if (s % 3_600 == 0) return s / 3_600 + " h";
        if (s % 60 == 0) return s / 60 + " min";
        return s + " s";
    }
}
