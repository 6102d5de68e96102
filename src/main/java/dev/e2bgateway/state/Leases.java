package dev.e2bgateway.state;

/**
 * Leases that hold a group's slots, for the per-key limit of chats at once: a chat takes a lease
 * with an id of its own that ends at a given time unless it is renewed, and gives it back when it
 * is over. A lease that is never given back (a gateway that died, a release Redis could not take)
 * frees its slot when it ends. In this process's memory, or in Redis shared by several gateways;
 * a Redis that fails is a {@link StoreUnavailableException}.
 */
public interface Leases {

    /**
     * Takes lease {@code id} in {@code group}, ending at {@code endsAtMillis}, if fewer than
     * {@code limit} of the group's leases are still running at {@code nowMillis}; true when it did
     * (also when {@code id} already holds one: taking it again is harmless).
     */
    boolean take(String group, String id, int limit, long nowMillis, long endsAtMillis);

    /** Moves the end of lease {@code id} to {@code endsAtMillis} if it still exists; one that was given back stays given back. */
    void renew(String group, String id, long nowMillis, long endsAtMillis);

    /** Gives lease {@code id} back; giving back one that is gone does nothing, so it can be sent any number of times. */
    void release(String group, String id);
}
