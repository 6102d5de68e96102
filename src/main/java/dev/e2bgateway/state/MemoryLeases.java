package dev.e2bgateway.state;

import java.util.HashMap;
import java.util.Map;

/** {@link Leases} in this process's memory: per group, each lease's id and end; ended leases are dropped as new ones are taken. */
public final class MemoryLeases implements Leases {

    private final Map<String, Map<String, Long>> groups = new HashMap<>();

    @Override
    public synchronized boolean take(String group, String id, int limit, long nowMillis, long endsAtMillis) {
        Map<String, Long> leases = groups.computeIfAbsent(group, g -> new HashMap<>());
        leases.values().removeIf(end -> end <= nowMillis);
        if (leases.containsKey(id)) return true;
        if (leases.size() >= limit) return false;
        leases.put(id, endsAtMillis);
        return true;
    }

    @Override
    public synchronized void renew(String group, String id, long nowMillis, long endsAtMillis) {
        Map<String, Long> leases = groups.get(group);
        if (leases != null) leases.replace(id, endsAtMillis);
    }

    @Override
    public synchronized void release(String group, String id) {
        Map<String, Long> leases = groups.get(group);
        if (leases == null) return;
        leases.remove(id);
        if (leases.isEmpty()) groups.remove(group); // a key that stopped chatting leaves nothing behind
    }
}
