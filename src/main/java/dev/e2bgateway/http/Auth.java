package dev.e2bgateway.http;

import dev.e2bgateway.config.Config;
import dev.e2bgateway.error.ApiError;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Checks the client key: {@code Authorization: Bearer <key>} (or Anthropic's {@code x-api-key}).
 * Keys are compared as SHA-256 digests with {@link MessageDigest#isEqual}, so the time taken
 * says nothing about how much of a key was right, nor about its length.
 */
public final class Auth {

    private static final Logger log = LoggerFactory.getLogger(Auth.class);
    public static final String KEY_ATTRIBUTE = "e2b.key";

    private final List<byte[]> keyDigests;
    private final List<String> keys;

    public Auth(List<String> keys) {
        this.keys = List.copyOf(keys);
        this.keyDigests = keys.stream().map(Auth::sha256).toList();
    }

    public void check(Context ctx) {
        if (ctx.method() == HandlerType.OPTIONS) return;
        String presented = presentedKey(ctx);
        if (presented == null || !matches(presented)) {
            log.warn("{} rejected key {} for {} {}", RequestIds.of(ctx), Config.mask(presented), ctx.method(), ctx.path());
            throw ApiError.invalidApiKey();
        }
        ctx.attribute(KEY_ATTRIBUTE, Config.mask(presented));
    }

    private boolean matches(String presented) {
        byte[] digest = sha256(presented);
        boolean found = false;
        for (byte[] k : keyDigests) found |= MessageDigest.isEqual(k, digest); // no early exit
        return found;
    }

    static String presentedKey(Context ctx) {
        String header = ctx.header("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) return header.substring(7).trim();
        String apiKey = ctx.header("x-api-key");
        return apiKey == null ? null : apiKey.trim();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return keys.stream().map(Config::mask).toList().toString();
    }
}
