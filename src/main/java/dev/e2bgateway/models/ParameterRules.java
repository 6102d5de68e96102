package dev.e2bgateway.models;

import java.util.Set;

/**
 * What a model's provider accepts, applied when the upstream request is built: the upstream
 * forwards whatever it gets, and a provider that refuses a parameter fails the whole call with
 * a generic 500 (docs/upstream.md, "Chat"; the rules as data: docs/models.md).
 *
 * @param temperature       the highest temperature the provider takes (values are clamped)
 * @param topP              the highest top-p
 * @param topK              the highest top-k
 * @param frequencyPenalty  the largest frequency penalty either way
 * @param presencePenalty   the largest presence penalty either way
 * @param maxTokens         the model's output cap (0: the gateway sets none)
 * @param exclusiveSampling temperature and top-p may not be sent together; the upstream's SDK always sends a
 *                          temperature (0 when none is given), so top-p is never sent
 * @param unsupported       parameters never sent upstream (names of the upstream's config keys)
 * @param reasoningTokens   room for hidden reasoning added to the upstream's token budget (0: none)
 * @param imageUrls         images may be sent as http(s) URLs (else only inline, as data: URLs)
 * @param defaultTemperature the temperature sent when the client gives none: the provider's own API default. Without
 *                          it the upstream's SDK sends 0 to every model, so a model would answer greedily where its
 *                          provider's API samples (still clamped, and never sent where temperature is unsupported)
 */
public record ParameterRules(double temperature, double topP, int topK, double frequencyPenalty, double presencePenalty,
                             int maxTokens, boolean exclusiveSampling, Set<String> unsupported, int reasoningTokens,
                             boolean imageUrls, double defaultTemperature) {

    /** The sampling parameters a rule may name in {@code unsupported}. */
    public static final Set<String> PARAMETERS = Set.of("temperature", "topP", "topK", "frequencyPenalty", "presencePenalty");

    /** For a provider the catalog says nothing about: 1.0 is the temperature most providers' APIs default to. */
    public static final ParameterRules DEFAULT = new ParameterRules(2, 1, 500, 2, 2, 0, false, Set.of(), 0, true, 1.0);

    public boolean sends(String parameter) {
        return !unsupported.contains(parameter);
    }

    /** These rules with every field that {@code patch} sets replaced. */
    public ParameterRules with(Patch patch) {
        if (patch == null) return this;
        return new ParameterRules(
                patch.temperature() != null ? patch.temperature() : temperature,
                patch.topP() != null ? patch.topP() : topP,
                patch.topK() != null ? patch.topK() : topK,
                patch.frequencyPenalty() != null ? patch.frequencyPenalty() : frequencyPenalty,
                patch.presencePenalty() != null ? patch.presencePenalty() : presencePenalty,
                patch.maxTokens() != null ? patch.maxTokens() : maxTokens,
                patch.exclusiveSampling() != null ? patch.exclusiveSampling() : exclusiveSampling,
                patch.unsupported() != null ? patch.unsupported() : unsupported,
                patch.reasoningTokens() != null ? patch.reasoningTokens() : reasoningTokens,
                patch.imageUrls() != null ? patch.imageUrls() : imageUrls,
                patch.defaultTemperature() != null ? patch.defaultTemperature() : defaultTemperature);
    }

    /** Rules as written for a provider or a model in a catalog: any field may be missing. */
    public record Patch(Double temperature, Double topP, Integer topK, Double frequencyPenalty, Double presencePenalty,
                        Integer maxTokens, Boolean exclusiveSampling, Set<String> unsupported, Integer reasoningTokens,
                        Boolean imageUrls, Double defaultTemperature) {}
}
