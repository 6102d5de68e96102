package dev.e2bgateway.responses;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.state.ResponseStore;
import dev.e2bgateway.state.StoreUnavailableException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What {@code store: true} keeps, in a {@link ResponseStore}: per response one document
 * {@code {"response": <the response object>, "input": [<its input items>], "chain": [<earlier
 * response ids, oldest first>]}}, and its output items by id for {@code item_reference}s.
 *
 * <p>A response holds only its own input; a continuation reads the chain (one more call to the
 * store), so a long conversation is stored once, not once per turn. Reading restarts each
 * entry's time to live, so a conversation kept going never loses its beginning. Every store
 * failure becomes a 503 that says so.
 *
 * <p>Every response belongs to the key that stored it ({@code owner}: the key's name, never the
 * key): another key's response is not found, with the very answer an id that was never stored
 * gets, so that an id seen in a log or on a screen gives nothing away to another key.
 */
final class StoredResponses {

    /** The conversation a {@code previous_response_id} continues: its responses' ids and items, oldest first. */
    record Previous(List<String> chain, List<JsonNode> items) {}

    private final ObjectMapper json;
    private final ResponseStore store;

    StoredResponses(ObjectMapper json, ResponseStore store) {
        this.json = json;
        this.store = store;
    }

    /** Fails with a 503 now, before the upstream is called, if a response could not be stored. */
    void check() {
        guard(() -> {
            store.check();
            return null;
        });
    }

    /** {@code owner}'s conversation up to and including {@code id}: a 400 if it or an earlier response of it is no longer stored. */
    Previous previous(String owner, String id) {
        ObjectNode document = guard(() -> parse(store.get(owner, List.of(id)).get(id)));
        if (document == null) {
            throw ApiError.invalidRequest("previous_response_id", "previous_response_not_found", "Previous response with id '"
                    + id + "' not found. It was never stored here (store: false), has expired, or was deleted.");
        }
        List<String> chain = new ArrayList<>();
        document.path("chain").forEach(c -> chain.add(c.asText()));
        Map<String, String> earlier = guard(() -> store.get(owner, chain));
        List<JsonNode> items = new ArrayList<>();
        for (String earlierId : chain) {
            String text = earlier.get(earlierId);
            if (text == null) {
                throw ApiError.invalidRequest("previous_response_id", "previous_response_not_found", "Previous response with id '"
                        + id + "' continues '" + earlierId + "', which is no longer stored (expired or deleted), so the"
                        + " conversation cannot be rebuilt. Send the whole conversation as input instead.");
            }
            addItems(parse(text), items);
        }
        addItems(document, items);
        chain.add(id);
        return new Previous(List.copyOf(chain), items);
    }

    /** {@code owner}'s stored output items by id, for {@code item_reference}s; ids not stored are missing from the answer. */
    Map<String, ObjectNode> items(String owner, Set<String> ids) {
        Map<String, String> found = guard(() -> store.items(owner, ids));
        Map<String, ObjectNode> items = new LinkedHashMap<>();
        found.forEach((id, text) -> items.put(id, parse(text)));
        return items;
    }

    /**
     * Keeps {@code owner}'s finished response with its input, after the responses in {@code chain}.
     *
     * @throws StoreUnavailableException when the store cannot take it now (the answer is the client's all the same)
     */
    void save(String owner, ObjectNode response, List<? extends JsonNode> input, List<String> chain) {
        ObjectNode document = json.createObjectNode();
        document.set("response", response);
        document.putArray("input").addAll(copies(input));
        ArrayNode chainNode = document.putArray("chain");
        chain.forEach(chainNode::add);
        Map<String, String> items = new LinkedHashMap<>();
        for (JsonNode item : response.path("output")) {
            if (item.path("id").isTextual()) items.put(item.get("id").asText(), write(item));
        }
        String id = response.path("id").asText();
        store.put(owner, id, write(document), items);
    }

    /** {@code GET /v1/responses/{id}}. */
    JsonNode response(String owner, String id) {
        return found(owner, id).get("response");
    }

    /** {@code DELETE /v1/responses/{id}}. */
    ObjectNode delete(String owner, String id) {
        if (!guard(() -> store.delete(owner, id))) throw notFound(id);
        return json.createObjectNode().put("id", id).put("object", "response").put("deleted", true);
    }

    /** {@code GET /v1/responses/{id}/input_items}: one page, newest first unless {@code order} is "asc". */
    ObjectNode inputItems(String owner, String id, Integer limit, String order, String after) {
        int size = limit == null ? 20 : limit;
        if (size < 1 || size > 100) throw ApiError.invalidRequest("limit", "'limit' must be between 1 and 100, got " + size + ".");
        if (order != null && !order.equals("asc") && !order.equals("desc")) {
            throw ApiError.invalidRequest("order", "'order' must be 'asc' or 'desc'.");
        }
        List<JsonNode> items = new ArrayList<>();
        found(owner, id).path("input").forEach(items::add);
        if (!"asc".equals(order)) Collections.reverse(items);
        int start = 0;
        if (after != null) {
            start = -1;
            for (int i = 0; i < items.size(); i++) {
                if (after.equals(items.get(i).path("id").asText(null))) start = i + 1;
            }
            if (start < 0) throw ApiError.invalidRequest("after", "'after' names no input item of response '" + id + "'.");
        }
        List<JsonNode> page = items.subList(start, Math.min(items.size(), start + size));
        ObjectNode list = json.createObjectNode().put("object", "list");
        list.putArray("data").addAll(copies(page));
        if (page.isEmpty()) {
            list.putNull("first_id");
            list.putNull("last_id");
        } else {
            list.put("first_id", page.get(0).path("id").asText(null));
            list.put("last_id", page.get(page.size() - 1).path("id").asText(null));
        }
        list.put("has_more", start + page.size() < items.size());
        return list;
    }

    private ObjectNode found(String owner, String id) {
        ObjectNode document = guard(() -> parse(store.get(owner, List.of(id)).get(id)));
        if (document == null) throw notFound(id);
        return document;
    }

    private static ApiError notFound(String id) {
        return new ApiError(ApiError.Kind.NOT_FOUND, null, null, "Response with id '" + id + "' not found.", false, null);
    }

    /** A response's input items, then its output items: what a continuation of it sees. */
    private static void addItems(ObjectNode document, List<JsonNode> items) {
        document.path("input").forEach(items::add);
        document.path("response").path("output").forEach(items::add);
    }

    private static List<JsonNode> copies(Collection<? extends JsonNode> nodes) {
        List<JsonNode> out = new ArrayList<>(nodes.size());
        nodes.forEach(n -> out.add(n.deepCopy()));
        return out;
    }

    private ObjectNode parse(String text) {
        if (text == null) return null;
        try {
            return (ObjectNode) json.readTree(text);
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException("a stored response is not the JSON the gateway wrote", e);
        }
    }

    private String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /** Runs a store call; a store that cannot answer is a 503 naming the store and the reason. */
    private static <T> T guard(Supplier<T> call) {
        try {
            return call.get();
        } catch (StoreUnavailableException e) {
            throw new ApiError(ApiError.Kind.UNAVAILABLE, null, "store_unavailable", "Stored responses are unavailable: "
                    + e.getMessage() + " Requests with store: false and no previous_response_id do not need them.", true, null);
        }
    }
}
