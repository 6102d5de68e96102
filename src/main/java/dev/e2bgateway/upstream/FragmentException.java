package dev.e2bgateway.upstream;

/** The upstream's 200 body is not a complete fragment object. */
public final class FragmentException extends Exception {

    public enum Kind {
        /** Not JSON at all (an HTML page, plain text). */
        NOT_JSON,
        /** JSON-like but broken. */
        MALFORMED,
        /** The body ended before the object closed. */
        CUT,
        /** The body was empty. */
        EMPTY
    }

    private final Kind kind;

    public FragmentException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
