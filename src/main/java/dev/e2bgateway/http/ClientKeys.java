package dev.e2bgateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.config.Config;
import dev.e2bgateway.config.ConfigException;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import dev.e2bgateway.error.LogSafe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys the gateway accepts: those of {@code E2B_API_KEY} (named {@code default}, or
 * {@code key-1}, {@code key-2} ... when there are several), with the default limits, and those of
 * {@code E2B_KEYS_FILE}, each with a name, the key or its SHA-256, and its own limits. A broken
 * file stops startup naming the file, the entry and the field.
 */
public final class ClientKeys {

    private ClientKeys() {
    }

    public static List<ClientKey> load(Config.Server server, ObjectMapper json) {
        return load(server, json, null);
    }

    /** As {@link #load(Config.Server, ObjectMapper)}, with the keys file's content as read already (null: read it). */
    public static List<ClientKey> load(Config.Server server, ObjectMapper json, byte[] fileContent) {
        Config.KeyLimits defaults = server.keyLimits();
        List<ClientKey> keys = new ArrayList<>();
        List<String> fromEnv = server.apiKeys();
        for (int i = 0; i < fromEnv.size(); i++) {
            String name = fromEnv.size() == 1 ? "default" : "key-" + (i + 1);
            keys.add(new ClientKey(name, sha256(fromEnv.get(i)), defaults.rpm(), defaults.rpd(), defaults.concurrency()));
        }
        if (server.keysFile() != null) keys.addAll(file(server.keysFile(), fileContent, json, defaults));
        Set<String> names = new HashSet<>();
        for (ClientKey k : keys) {
            if (!names.add(k.name())) throw new ConfigException("E2B_KEYS_FILE " + server.keysFile() + ": the name '" + k.name() + "' is used twice");
        }
        return List.copyOf(keys);
    }

    private static List<ClientKey> file(Path path, byte[] content, ObjectMapper json, Config.KeyLimits defaults) {
        String source = "E2B_KEYS_FILE " + path;
        JsonNode root;
        try {
            root = json.readTree(content != null ? content : Files.readAllBytes(path));
        } catch (JsonProcessingException e) {
            // Never Jackson's message: it quotes the text where reading stopped, which may be a key.
            throw new ConfigException(source + ": cannot be read as JSON " + where(e) + " (the text there is not shown: it may be a key)");
        } catch (IOException e) {
            throw new ConfigException(source + ": cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        JsonNode entries = root == null ? null : root.get("keys");
        if (entries == null || !entries.isArray()) throw new ConfigException(source + ": the top level must be {\"keys\": [...]}");
        List<ClientKey> keys = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            JsonNode e = entries.get(i);
            String where = source + ": keys[" + i + "]";
            if (!e.isObject()) throw new ConfigException(where + " must be an object");
            String name = e.path("name").asText("");
            if (name.isBlank() || !e.get("name").isTextual()) throw new ConfigException(where + " field 'name' is missing or not a string");
            where += " (" + name + ")";
            byte[] digest;
            if (e.hasNonNull("key") && e.get("key").isTextual() && !e.get("key").asText().isBlank()) {
                digest = sha256(e.get("key").asText().trim());
            } else if (e.hasNonNull("sha256") && e.get("sha256").asText("").matches("(?i)[0-9a-f]{64}")) {
                digest = HexFormat.of().parseHex(e.get("sha256").asText().toLowerCase());
            } else {
                throw new ConfigException(where + " needs 'key' (the key) or 'sha256' (64 hex digits of its SHA-256)");
            }
            JsonNode interpreter = e.get("interpreter");
            if (interpreter != null && !interpreter.isNull() && !interpreter.isBoolean()) {
                throw new ConfigException(where + " field 'interpreter' must be true or false");
            }
            keys.add(new ClientKey(name, digest, limit(e, "rpm", defaults.rpm(), where), limit(e, "rpd", defaults.rpd(), where),
                    limit(e, "concurrency", defaults.concurrency(), where),
                    interpreter == null || interpreter.isNull() ? null : interpreter.asBoolean(),
                    limit(e, "sandbox_runs_per_day", 0, where)));
        }
        return keys;
    }

    /** Where reading stopped: line and column, and the entry and field ({@code keys[0].key}) when known. */
    private static String where(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String place = at == null ? "" : "at line " + at.getLineNr() + ", column " + at.getColumnNr();
        if (e.getProcessor() instanceof JsonParser parser) {
            StringBuilder path = new StringBuilder();
            for (JsonStreamContext c = parser.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
                path.insert(0, c.inArray() ? "[" + Math.max(0, c.getCurrentIndex()) + "]" : c.getCurrentName() == null ? "" : "." + c.getCurrentName());
            }
            if (!path.isEmpty()) place += " (" + LogSafe.text(path.charAt(0) == '.' ? path.substring(1) : path.toString()) + ")";
        }
        return place;
    }

    private static int limit(JsonNode e, String field, int fallback, String where) {
        JsonNode v = e.get(field);
        if (v == null || v.isNull()) return fallback;
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0) {
            throw new ConfigException(where + " field '" + field + "' must be a whole number, 0 for no limit");
        }
        return v.asInt();
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
