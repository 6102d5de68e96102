package dev.e2bgateway.reload;

import dev.e2bgateway.config.UpstreamsFile;
import dev.e2bgateway.core.RouteTable;
import dev.e2bgateway.http.ClientKey;
import dev.e2bgateway.models.ModelRegistry;

import java.util.List;
import java.util.Map;

/**
 * What the settings files say, as one immutable snapshot: a reload builds a new one and swaps it
 * in whole, so a request that read the old one keeps it to its end.
 *
 * @param upstreams the upstreams file's routes as written (null: the routes of E2B_BASE_URL)
 * @param routes    the routes built from them, with the models file's provider keys
 * @param versions  the version in use of each settings file the gateway was given
 */
public record Settings(List<ClientKey> keys, ModelRegistry models, List<UpstreamsFile.RouteSettings> upstreams,
                       RouteTable routes, Map<SettingsFile, Version> versions) {

    public Settings {
        keys = List.copyOf(keys);
        upstreams = upstreams == null ? null : List.copyOf(upstreams);
        versions = Map.copyOf(versions);
    }
}
