package dev.e2bgateway.reload;

/** What a look at a settings file came to. */
public enum Outcome {
    /** A new version is in use. */
    OK("ok"),
    /** The file is broken (or unreadable): the version loaded before stays in use. */
    REFUSED("refused"),
    /** The same bytes as the version in use: nothing to do. */
    UNCHANGED("unchanged");

    public final String label;

    Outcome(String label) {
        this.label = label;
    }
}
