package dev.e2bgateway.dialect;

import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;

/** Response ids in the style clients know: a prefix and 24 random letters and digits. */
public final class Ids {

    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    /** For ids that grant access (a stored response, a stored item): thread-safe, and not predictable from earlier ids. */
    private static final SecureRandom SECURE = new SecureRandom();

    private Ids() {
    }

    /**
     * An id that is also the only key to what it names (anyone with a gateway key and the id can
     * read a stored response): 32 characters from a secure random source, about 190 bits.
     */
    public static String unguessable(String prefix) {
        char[] id = new char[32];
        for (int i = 0; i < id.length; i++) id[i] = ALPHABET[SECURE.nextInt(ALPHABET.length)];
        return prefix + new String(id);
    }

    public static String next(String prefix) {
        char[] id = new char[24];
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < id.length; i++) id[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        return prefix + new String(id);
    }
}
