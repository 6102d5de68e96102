package dev.e2bgateway.dialect;

import dev.e2bgateway.error.ApiError;

/** How a dialect writes an error response: its status for the error, and its error body. */
public interface ErrorFormat {

    int status(ApiError error);

    byte[] body(ApiError error);
}
