package dev.e2bgateway.state;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Stored responses in this process's memory, lost on restart: at most {@code maxStored} of them
 * and about {@code maxBytes} in all (all owners together), the least recently used going first,
 * each expiring {@code ttl} after its last use by its owner. One lock guards it; nothing inside
 * it blocks.
 */
public final class MemoryResponseStore implements ResponseStore {

    /** A stored response with its items; {@code lastUsed} moves on every use by its owner. */
    private static final class Entry {
        final String owner;
        final String document;
        final Map<String, String> items;
        final long bytes;
        long lastUsed;

        Entry(String owner, String document, Map<String, String> items, long now) {
            this.owner = owner;
            this.document = document;
            this.items = Map.copyOf(items);
            this.bytes = document.length() + items.values().stream().mapToLong(String::length).sum();
            this.lastUsed = now;
        }
    }

    private final int maxStored;
    private final long maxBytes;
    private final long ttlMillis;
    private final LongSupplier clock;
    /**
     * Least recently used first. Kept in insertion order and moved by hand on each use by the
     * owner (access order would let any caller's look-up move another owner's entry).
     */
    private final LinkedHashMap<String, Entry> responses = new LinkedHashMap<>(64);
    /** Item id to the id of the response it belongs to. */
    private final Map<String, String> itemResponses = new HashMap<>();
    private long bytes;

    /** @param clock milliseconds, for expiry ({@code System::currentTimeMillis}) */
    public MemoryResponseStore(int maxStored, long maxBytes, Duration ttl, LongSupplier clock) {
        if (maxStored < 1) throw new IllegalArgumentException("maxStored must be at least 1");
        this.maxStored = maxStored;
        this.maxBytes = maxBytes;
        this.ttlMillis = ttl.toMillis();
        this.clock = clock;
    }

    @Override
    public synchronized void put(String owner, String id, String document, Map<String, String> items) {
        remove(id);
        long now = clock.getAsLong();
        Entry entry = new Entry(owner, document, items, now);
        responses.put(id, entry);
        items.keySet().forEach(item -> itemResponses.put(item, id));
        bytes += entry.bytes;
        Iterator<Map.Entry<String, Entry>> eldest = responses.entrySet().iterator();
        // The newest always stays, even alone over the byte budget: it was just promised to the client.
        while (responses.size() > 1 && eldest.hasNext()) {
            Map.Entry<String, Entry> e = eldest.next();
            boolean over = responses.size() > maxStored || bytes > maxBytes;
            if (!over && !expired(e.getValue(), now)) break;
            if (e.getKey().equals(id)) continue;
            eldest.remove();
            forget(e.getValue());
        }
    }

    @Override
    public synchronized Map<String, String> get(String owner, Collection<String> ids) {
        Map<String, String> found = new LinkedHashMap<>();
        for (String id : ids) {
            Entry entry = live(owner, id);
            if (entry != null) found.put(id, entry.document);
        }
        return found;
    }

    @Override
    public synchronized Map<String, String> items(String owner, Collection<String> ids) {
        Map<String, String> found = new LinkedHashMap<>();
        for (String item : ids) {
            String response = itemResponses.get(item);
            Entry entry = response == null ? null : live(owner, response);
            if (entry != null) found.put(item, entry.items.get(item));
        }
        return found;
    }

    @Override
    public synchronized boolean delete(String owner, String id) {
        Entry entry = live(owner, id);
        if (entry == null) return false;
        remove(id);
        return true;
    }

    @Override
    public void check() {
        // always available
    }

    @Override
    public String description() {
        return "in memory (at most " + maxStored + " responses, " + maxBytes / (1024 * 1024) + " MB; each kept "
                + ResponseStore.describe(Duration.ofMillis(ttlMillis)) + " after its last use; lost on restart)";
    }

    @Override
    public void close() {
    }

    /** Number of responses held, expired ones not yet swept included (for tests). */
    synchronized int size() {
        return responses.size();
    }

    /**
     * {@code owner}'s entry if stored and not expired, its time restarted and moved to the most
     * recently used end; an expired one is dropped (whoever asks: it is gone for everyone), and
     * another owner's is left exactly as it was.
     */
    private Entry live(String owner, String id) {
        Entry entry = responses.get(id);
        if (entry == null) return null;
        long now = clock.getAsLong();
        if (expired(entry, now)) {
            remove(id);
            return null;
        }
        if (!entry.owner.equals(owner)) return null;
        entry.lastUsed = now;
        responses.remove(id);
        responses.put(id, entry);
        return entry;
    }

    private boolean expired(Entry entry, long now) {
        return now - entry.lastUsed >= ttlMillis;
    }

    private void remove(String id) {
        Entry old = responses.remove(id);
        if (old != null) forget(old);
    }

    private void forget(Entry entry) {
        bytes -= entry.bytes;
        entry.items.keySet().forEach(itemResponses::remove);
    }
}
