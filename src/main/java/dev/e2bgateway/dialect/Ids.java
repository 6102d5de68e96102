package dev.e2bgateway.dialect;

import java.util.concurrent.ThreadLocalRandom;

/** Response ids in the style clients know: a prefix and 24 random letters and digits. */
public final class Ids {

    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private Ids() {
    }

    public static String next(String prefix) {
        char[] id = new char[24];
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < id.length; i++) id[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        return prefix + new String(id);
    }
}
