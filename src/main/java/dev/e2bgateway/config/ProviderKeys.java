package dev.e2bgateway.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Model-provider API keys by provider id ({@code openai=sk-...}). A request to such a provider
 * carries its key in the upstream's {@code config.apiKey}, which lifts the host's daily limit.
 * Never printed: {@link #toString()} masks every key.
 */
public final class ProviderKeys {

    public static final ProviderKeys NONE = new ProviderKeys(Map.of());

    private final Map<String, String> keys;

    public ProviderKeys(Map<String, String> keys) {
        this.keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
    }

    /** Parses {@code E2B_PROVIDER_KEYS}: comma-separated {@code provider=key} pairs. */
    static ProviderKeys parse(String variable, String value) {
        if (value == null) return NONE;
        Map<String, String> keys = new LinkedHashMap<>();
        for (String pair : value.split(",")) {
            if (pair.isBlank()) continue;
            int eq = pair.indexOf('=');
            String provider = eq < 0 ? "" : pair.substring(0, eq).trim();
            String key = eq < 0 ? "" : pair.substring(eq + 1).trim();
            if (provider.isEmpty() || key.isEmpty()) {
                throw new ConfigException(variable, "must be comma-separated provider=key pairs (e.g. openai=sk-...,groq=gsk-...)");
            }
            keys.put(provider, key);
        }
        return new ProviderKeys(keys);
    }

    public Optional<String> forProvider(String providerId) {
        return Optional.ofNullable(keys.get(providerId));
    }

    public Iterable<String> providers() {
        return keys.keySet();
    }

    /** These keys with {@code over}'s replacing any for the same provider. */
    public ProviderKeys overriddenBy(ProviderKeys over) {
        Map<String, String> merged = new LinkedHashMap<>(keys);
        merged.putAll(over.keys);
        return new ProviderKeys(merged);
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    @Override
    public String toString() {
        Map<String, String> masked = new LinkedHashMap<>();
        keys.forEach((provider, key) -> masked.put(provider, Config.mask(key)));
        return masked.toString();
    }
}
