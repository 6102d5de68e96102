package dev.e2bgateway.core;

import java.io.IOException;

/** The client hung up; the work for it was stopped. A normal event, logged at DEBUG. */
public final class ClientGoneException extends IOException {
    public ClientGoneException(Throwable cause) {
        super("the client disconnected", cause);
    }
}
