package dev.e2bgateway.http;

import dev.e2bgateway.config.Config;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.error.LogSafe;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.MessageDigest;
import java.util.List;
import java.util.function.Supplier;

/**
 * Checks the client key: {@code Authorization: Bearer <key>} (or Anthropic's {@code x-api-key}, Google's
 * {@code x-goog-api-key} or {@code ?key=}).
 * Keys are compared as SHA-256 digests with {@link MessageDigest#isEqual}, every one of them, so
 * the time taken says nothing about how much of a key was right, nor about its length. The key's
 * name goes into the access log; its limits are the {@link KeyLimiter}'s.
 */
public final class Auth {

    private static final Logger log = LoggerFactory.getLogger(Auth.class);
    public static final String KEY_ATTRIBUTE = "e2b.key";
    private static final String CLIENT_KEY = "e2b.clientKey";

    /** The keys of the moment: a reload swaps the list; each request reads it once. */
    private final Supplier<List<ClientKey>> keys;
    private final KeyLimiter limiter;

    public Auth(Supplier<List<ClientKey>> keys, KeyLimiter limiter) {
        this.keys = keys;
        this.limiter = limiter;
    }

    public void check(Context ctx) {
        if (ctx.method() == HandlerType.OPTIONS) return;
        String presented = presentedKey(ctx);
        ClientKey key = presented == null ? null : match(presented);
        if (key == null) {
            log.warn("{} rejected key {} for {} {}", RequestIds.of(ctx), LogSafe.text(Config.mask(presented)), LogSafe.text(ctx.method()),
                    LogSafe.text(ctx.path()));
            throw ApiError.invalidApiKey();
        }
        admit(ctx, key);
    }

    /** Lets the request in as {@code key}: its name for the log and its stored things, its limits. */
    void admit(Context ctx, ClientKey key) {
        ctx.attribute(KEY_ATTRIBUTE, key.name());
        ctx.attribute(CLIENT_KEY, key);
        limiter.headers(ctx, key);
    }

    /** The key this request was authenticated with, or null (no auth on its route). */
    public static ClientKey of(Context ctx) {
        return ctx.attribute(CLIENT_KEY);
    }

    /**
     * The name of the key this request was authenticated with: whose stored responses it sees.
     * Read from the request each time, never kept, so a key set replaced at runtime takes effect
     * for the next request.
     */
    public static String keyName(Context ctx) {
        ClientKey key = of(ctx);
        if (key == null) throw new IllegalStateException("no client key: " + ctx.path() + " is not behind Auth.check");
        return key.name();
    }

    private ClientKey match(String presented) {
        byte[] digest = ClientKeys.sha256(presented);
        ClientKey found = null;
        for (ClientKey k : keys.get()) {
            if (MessageDigest.isEqual(k.digest(), digest) && found == null) found = k; // no early exit
        }
        return found;
    }

    static String presentedKey(Context ctx) {
        String header = ctx.header("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) return header.substring(7).trim();
        for (String name : KEY_HEADERS) {
            String apiKey = ctx.header(name);
            if (apiKey != null) return apiKey.trim();
        }
        // Google's clients may put the key in the query string; the logs write the path only, never the query.
        String query = ctx.queryParam("key");
        return query == null ? null : query.trim();
    }

    /** Anthropic's header, and Google's. */
    private static final List<String> KEY_HEADERS = List.of("x-api-key", "x-goog-api-key");

    @Override
    public String toString() {
        return keys.get().stream().map(ClientKey::name).toList().toString();
    }
}
