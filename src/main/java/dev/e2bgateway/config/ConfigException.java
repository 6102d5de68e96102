package dev.e2bgateway.config;

/** A setting that stops startup; the message is one line naming the variable. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String variable, String problem) {
        super(variable + " " + problem);
    }

    public ConfigException(String message) {
        super(message);
    }
}
