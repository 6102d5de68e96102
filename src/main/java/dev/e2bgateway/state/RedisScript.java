package dev.e2bgateway.state;

import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script run in Redis, so that what reads and writes several keys is one atomic step and
 * one round trip. Sent by its SHA-1 ({@code EVALSHA}); a Redis that does not know it yet (just
 * started, or restarted) gets the text once ({@code EVAL}, which caches it there).
 */
final class RedisScript {

    private final String text;
    private final String sha;

    RedisScript(String text) {
        this.text = text;
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Strings come back as {@code String}, integers as {@code Long}, arrays as {@code List<Object>}, nil as null. */
    Object run(RedisClient redis, List<String> keys, List<String> args) {
        try {
            return redis.evalsha(sha, keys, args);
        } catch (JedisNoScriptException e) {
            return redis.eval(text, keys, args);
        }
    }
}
