package dev.e2bgateway.core;

/** The client hung up; the work for it was stopped. A normal event, logged at DEBUG. */
public final class ClientGoneException extends RuntimeException {
    public ClientGoneException() {
        super("the client disconnected", null, false, false);
    }
}
