package dev.e2bgateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code E2B_UPSTREAMS_FILE}: routes with their own settings. A broken file stops startup naming
 * the file, the entry and the field; secrets (proxy passwords, provider keys) never appear in a
 * message.
 *
 * <pre>{"upstreams": [{"name": "home", "baseUrl": "https://fragments.example", "proxy": "socks5://u:p@10.0.0.2:1080",
 *   "providerKeys": {"openai": "sk-..."}, "weight": 2, "enabled": true}]}</pre>
 */
public final class UpstreamsFile {

    /** One route as the file gives it; {@code proxy} null: the global proxy settings. */
    public record RouteSettings(String name, URI baseUrl, ProxySettings proxy, ProviderKeys providerKeys, int weight) {}

    private UpstreamsFile() {
    }

    /** The enabled routes of the file. */
    public static List<RouteSettings> load(Path path, ObjectMapper json) {
        return load(path, null, json);
    }

    /** As {@link #load(Path, ObjectMapper)}, with the file's content as read already (null: read it). */
    public static List<RouteSettings> load(Path path, byte[] content, ObjectMapper json) {
        String source = "E2B_UPSTREAMS_FILE " + path;
        JsonNode root;
        try {
            root = json.readTree(content != null ? content : Files.readAllBytes(path));
        } catch (IOException e) {
            throw new ConfigException(source + ": cannot be read as JSON: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        JsonNode entries = root == null ? null : root.get("upstreams");
        if (entries == null || !entries.isArray() || entries.isEmpty()) {
            throw new ConfigException(source + ": the top level must be {\"upstreams\": [ ...at least one route... ]}");
        }
        List<RouteSettings> routes = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            JsonNode e = entries.get(i);
            String where = source + ": upstreams[" + i + "]";
            if (!e.isObject()) throw new ConfigException(where + " must be an object");
            String name = e.path("name").asText("");
            if (!e.path("name").isTextual() || name.isBlank()) throw new ConfigException(where + " field 'name' is missing or not a string");
            where += " (" + name + ")";
            if (!names.add(name)) throw new ConfigException(where + " field 'name' is used twice");
            String url = e.path("baseUrl").asText("");
            URI baseUrl;
            try {
                baseUrl = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            } catch (IllegalArgumentException ex) {
                throw new ConfigException(where + " field 'baseUrl' must be an http(s) URL");
            }
            if (!e.path("baseUrl").isTextual() || baseUrl.getHost() == null
                    || !List.of("http", "https").contains(String.valueOf(baseUrl.getScheme()))) {
                throw new ConfigException(where + " field 'baseUrl' must be an http(s) URL");
            }
            ProxySettings proxy = null;
            if (e.hasNonNull("proxy")) {
                if (!e.get("proxy").isTextual()) throw new ConfigException(where + " field 'proxy' must be a string");
                try {
                    proxy = ProxySettings.of("route " + name, e.get("proxy").asText());
                } catch (ConfigException ex) {
                    throw new ConfigException(where + " field 'proxy' must be http://[user:pass@]host:port or socks5://[user:pass@]host:port");
                }
            }
            Map<String, String> keys = new LinkedHashMap<>();
            JsonNode keyNode = e.get("providerKeys");
            if (keyNode != null && !keyNode.isNull()) {
                if (!keyNode.isObject()) throw new ConfigException(where + " field 'providerKeys' must be an object of provider id to key");
                for (var it = keyNode.fields(); it.hasNext(); ) {
                    var k = it.next();
                    if (!k.getValue().isTextual() || k.getValue().asText().isBlank()) {
                        throw new ConfigException(where + " field 'providerKeys." + k.getKey() + "' must be a non-empty string");
                    }
                    keys.put(k.getKey(), k.getValue().asText().trim());
                }
            }
            JsonNode weight = e.get("weight");
            if (weight != null && (!weight.isIntegralNumber() || weight.asInt() < 1 || weight.asInt() > 1000)) {
                throw new ConfigException(where + " field 'weight' must be a whole number from 1 to 1000");
            }
            JsonNode enabled = e.get("enabled");
            if (enabled != null && !enabled.isBoolean()) throw new ConfigException(where + " field 'enabled' must be true or false");
            if (enabled != null && !enabled.asBoolean()) continue;
            routes.add(new RouteSettings(name, baseUrl, proxy, new ProviderKeys(keys), weight == null ? 1 : weight.asInt()));
        }
        if (routes.isEmpty()) throw new ConfigException(source + ": every route is disabled");
        return routes;
    }
}
