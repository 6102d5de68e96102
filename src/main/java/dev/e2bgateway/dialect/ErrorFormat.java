package dev.e2bgateway.dialect;

import dev.e2bgateway.error.ApiError;

/** How a dialect writes an error response: its status for the error, and its error body. */
public interface ErrorFormat {

    /** The error's own status, unless the dialect's API answers that kind of error with another. */
    default int status(ApiError error) {
        return error.status();
    }

    byte[] body(ApiError error);
}
