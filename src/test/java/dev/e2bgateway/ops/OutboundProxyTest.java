package dev.e2bgateway.ops;

import dev.e2bgateway.config.Config;
import dev.e2bgateway.config.ConfigException;
import dev.e2bgateway.config.ProxySettings;
import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.ForwardProxy;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.Script;
import dev.e2bgateway.support.Socks5Proxy;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Upstream calls through a real forwarding proxy on loopback. */
class OutboundProxyTest {

    @Test
    void e2b_proxy_with_credentials_carries_the_upstream_traffic() throws Exception {
        try (FakeFragments upstream = new FakeFragments(); ForwardProxy proxy = new ForwardProxy("alice", "s3cret:pw");
             Gateway gateway = Gateway.start(upstream, Map.of("E2B_PROXY", "http://alice:s3cret%3Apw@127.0.0.1:" + proxy.port()))) {
            upstream.enqueue(Script.ok(Fragments.json("c", "via the proxy")).splitEvery(5));
            try (Response r = gateway.post("/v1/chat/completions", Gateway.chat("gpt-4o", "Hi", "\"stream\":true"))) {
                assertThat(r.body().string()).contains("\"content\":\"v\"", "\"finish_reason\":\"stop\"", "[DONE]");
            }
            assertThat(proxy.forwarded()).containsExactly(upstream.baseUrl() + "/api/chat");
            assertThat(proxy.refused()).as("first try without credentials, answered 407").hasSize(1);
            assertThat(upstream.takeRequest().path()).isEqualTo("/api/chat");
            upstream.assertNoRequest();
        }
    }

    @Test
    void a_socks5_proxy_with_credentials_carries_the_upstream_traffic() throws Exception {
        try (FakeFragments upstream = new FakeFragments(); Socks5Proxy proxy = new Socks5Proxy("carol", "pa ss");
             Gateway gateway = Gateway.start(upstream, Map.of("E2B_PROXY", "socks5://carol:pa%20ss@127.0.0.1:" + proxy.port()))) {
            try (Response r = gateway.post("/v1/chat/completions", Gateway.chat("gpt-4o", "Hi", null))) {
                assertThat(r.code()).isEqualTo(200);
            }
            assertThat(proxy.connected()).containsExactly("127.0.0.1:" + upstream.baseUrl().replaceAll(".*:", ""));
        }
    }

    @Test
    void the_standard_variables_are_honoured_and_no_proxy_bypasses() throws Exception {
        try (FakeFragments upstream = new FakeFragments(); ForwardProxy proxy = new ForwardProxy(null, null)) {
            try (Gateway gateway = Gateway.start(upstream, Map.of("HTTP_PROXY", "http://127.0.0.1:" + proxy.port()))) {
                try (Response r = gateway.post("/v1/chat/completions", Gateway.chat("gpt-4o", "Hi", null))) {
                    assertThat(r.code()).isEqualTo(200);
                }
                assertThat(proxy.forwarded()).hasSize(1);
            }
            try (Gateway gateway = Gateway.start(upstream, Map.of("HTTP_PROXY", "http://127.0.0.1:" + proxy.port(), "NO_PROXY", "localhost,127.0.0.1"))) {
                try (Response r = gateway.post("/v1/chat/completions", Gateway.chat("gpt-4o", "Hi", null))) {
                    assertThat(r.code()).isEqualTo(200);
                }
                assertThat(proxy.forwarded()).as("NO_PROXY went direct").hasSize(1);
            }
        }
    }

    @Test
    void proxy_settings_are_validated_and_masked_for_logs() {
        ProxySettings socks = Config.from(Map.of("E2B_PROXY", "socks5://bob:pw@10.0.0.1:1080")).upstream().proxy();
        assertThat(ProxySettings.describe(socks.proxyFor("https", "fragments.e2b.dev"))).isEqualTo("socks5://bob:***@10.0.0.1:1080");
        assertThat(Config.from(Map.of("HTTPS_PROXY", "proxy.corp:3128")).upstream().proxy().proxyFor("https", "fragments.e2b.dev").getPort()).isEqualTo(3128);
        assertThat(Config.from(Map.of("HTTPS_PROXY", "http://p:1", "NO_PROXY", ".e2b.dev")).upstream().proxy().proxyFor("https", "fragments.e2b.dev")).isNull();
        assertThatThrownBy(() -> Config.from(Map.of("E2B_PROXY", "ftp://x:1"))).isInstanceOf(ConfigException.class).hasMessageStartingWith("E2B_PROXY");
        assertThatThrownBy(() -> Config.from(Map.of("E2B_PROXY", "http://nohost"))).hasMessageStartingWith("E2B_PROXY");
    }
}
