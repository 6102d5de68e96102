package dev.e2bgateway.models;

/**
 * Per-model ceilings used to clamp sampling parameters before they reach the upstream.
 * {@code maxTokens == 0} means the gateway sets no cap.
 */
public record Limits(double temperature, double topP, int topK, double frequencyPenalty,
                     double presencePenalty, int maxTokens) {

    public static final Limits DEFAULT = new Limits(2, 1, 500, 2, 2, 0);

    /** These limits with every field that {@code patch} sets replaced. */
    public Limits with(LimitsPatch patch) {
        if (patch == null) return this;
        return new Limits(
                patch.temperature() != null ? patch.temperature() : temperature,
                patch.topP() != null ? patch.topP() : topP,
                patch.topK() != null ? patch.topK() : topK,
                patch.frequencyPenalty() != null ? patch.frequencyPenalty() : frequencyPenalty,
                patch.presencePenalty() != null ? patch.presencePenalty() : presencePenalty,
                patch.maxTokens() != null ? patch.maxTokens() : maxTokens);
    }

    /** Limits as written in a models file: any field may be missing. */
    public record LimitsPatch(Double temperature, Double topP, Integer topK, Double frequencyPenalty,
                              Double presencePenalty, Integer maxTokens) {}
}
