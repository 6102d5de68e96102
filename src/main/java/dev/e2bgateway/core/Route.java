package dev.e2bgateway.core;

import dev.e2bgateway.config.ProviderKeys;
import dev.e2bgateway.upstream.FragmentsClient;
import dev.e2bgateway.upstream.SandboxClient;

/**
 * One way to the upstream: a Fragments deployment, or the public host through one egress.
 *
 * @param providerKeys the provider keys its requests carry (the route's own over the global ones)
 * @param weight       its share of the requests among the available routes
 * @param sandbox      the same deployment's code runner, or null when the code interpreter is off
 */
public record Route(String name, FragmentsClient client, ProviderKeys providerKeys, int weight, SandboxClient sandbox) {

    /** A route without the code interpreter. */
    public Route(String name, FragmentsClient client, ProviderKeys providerKeys, int weight) {
        this(name, client, providerKeys, weight, null);
    }

    /** The key this route sends for a provider, or "" for none: routes with the same one share a provider's limit. */
    String keyFor(String providerId) {
        return providerKeys.forProvider(providerId).orElse("");
    }
}
