package dev.e2bgateway.state;

/** Counters that expire, for the per-key limits: in this process's memory, or in Redis shared by several gateways. */
public interface Counters {

    /** Adds {@code delta} to {@code counter}, which expires at {@code expiresAtMillis}; returns the new value. */
    long add(String counter, long delta, long expiresAtMillis);

    /** The counter's value, 0 when it does not exist or has expired. */
    long get(String counter);
}
