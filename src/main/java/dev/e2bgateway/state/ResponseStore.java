package dev.e2bgateway.state;

import java.util.Collection;
import java.util.Map;

/**
 * Where the Responses API keeps what {@code store: true} asks for, so that
 * {@code previous_response_id}, {@code item_reference} and {@code GET /v1/responses/{id}} work:
 * each response as one opaque document, and its output items by item id. The documents' shape
 * belongs to the Responses dialect; a store only keeps them.
 *
 * <p>Each response belongs to an owner (the name of the client key that stored it): every read
 * and delete names the caller, and finds only the caller's own responses and items. Another
 * owner's entry is answered exactly as one that was never stored, and is not touched (its time
 * to live and its place in any eviction order stay as they were).
 *
 * <p>A response and its items live and die together: every use of either (storing, reading the
 * response, reading one of its items) restarts the time of the response and of all its items,
 * and they expire a fixed time after that last use, so a conversation that goes on stays; what
 * is not used goes. A store that cannot answer throws {@link StoreUnavailableException} at once,
 * never hangs.
 */
public interface ResponseStore extends AutoCloseable {

    /** Keeps {@code owner}'s response document and its output items (item id to item JSON), replacing any with that id. */
    void put(String owner, String id, String document, Map<String, String> items);

    /**
     * The documents of those {@code ids} that {@code owner} stored (unknown, expired and other
     * owners' ones left out), each one's time restarted with its items'.
     */
    Map<String, String> get(String owner, Collection<String> ids);

    /** The items of those {@code ids} that belong to responses {@code owner} stored, each one's response and items' time restarted. */
    Map<String, String> items(String owner, Collection<String> ids);

    /** Forgets {@code owner}'s response and its items; false if {@code owner} has no response with that id. */
    boolean delete(String owner, String id);

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
