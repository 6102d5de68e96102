package dev.e2bgateway.dialect;

/**
 * One API that clients speak to the gateway (OpenAI chat completions, Anthropic messages, ...):
 * how its requests become the core's, and how the core's replies and errors look on its wire.
 * Each route carries its dialect, so even an error raised before the handler (auth, a wrong
 * method) comes back in the shape the caller's SDK expects.
 *
 * <p>Adding a dialect: implement this in a package of its own, then register its routes in
 * {@code App} with {@code App.chatRoute}.
 */
public interface Dialect {

    /**
     * Validates a request body and returns the exchange it starts. Every problem is an
     * {@code ApiError} (a 400 naming the field, a 404 for an unknown model); nothing invalid
     * reaches the upstream.
     *
     * @param keyName the name of the client key the request was authenticated with (never the key):
     *                what a dialect keeps for a caller (stored responses) is that key's alone
     */
    Exchange parse(byte[] body, String keyName);

    /** How this dialect writes errors. */
    ErrorFormat errors();
}
