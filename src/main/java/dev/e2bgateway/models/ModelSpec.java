package dev.e2bgateway.models;

/**
 * One model the gateway serves: the id clients use, the upstream identity the Fragments
 * {@code model} object needs, the provider's parameter rules, and the id replies report.
 *
 * @param answeredBy the id a reply names as its model: {@code id}, or the successor a retired id is routed to
 */
public record ModelSpec(String id, String upstreamId, String provider, String providerId, String name,
                        boolean multiModal, ParameterRules rules, long created, String answeredBy) {

    /** True when this id is routed to another model of the catalog (a retired id and its successor). */
    public boolean routed() {
        return !answeredBy.equals(id);
    }
}
