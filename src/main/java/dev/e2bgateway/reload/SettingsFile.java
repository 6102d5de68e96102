package dev.e2bgateway.reload;

/** The settings files the gateway re-reads without a restart; {@code label} names them in metrics and endpoints. */
public enum SettingsFile {
    KEYS("keys", "E2B_KEYS_FILE"),
    MODELS("models", "E2B_MODELS_FILE"),
    UPSTREAMS("upstreams", "E2B_UPSTREAMS_FILE");

    public final String label;
    public final String variable;

    SettingsFile(String label, String variable) {
        this.label = label;
        this.variable = variable;
    }
}
