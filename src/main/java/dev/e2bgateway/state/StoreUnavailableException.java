package dev.e2bgateway.state;

/** The store cannot answer (Redis down, unreachable, refusing the credentials): the message says which. */
public final class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
