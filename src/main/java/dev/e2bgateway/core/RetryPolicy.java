package dev.e2bgateway.core;

/**
 * When and how the core tries an upstream call again: at most {@code maxAttempts} attempts in
 * all, the waits from {@code backoff}, waited out by {@code sleeper}.
 */
public record RetryPolicy(int maxAttempts, Backoff backoff, Sleeper sleeper) {}
