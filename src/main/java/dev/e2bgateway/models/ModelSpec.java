package dev.e2bgateway.models;

/**
 * One model the gateway serves: the id clients use, the upstream identity the Fragments
 * {@code model} object needs, and the limits for clamping.
 */
public record ModelSpec(String id, String upstreamId, String provider, String providerId, String name,
                        boolean multiModal, Limits limits, long created) {}
