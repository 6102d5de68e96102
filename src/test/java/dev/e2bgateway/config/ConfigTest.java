package dev.e2bgateway.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigTest {

    @Test
    void defaults_match_the_documented_ones() {
        Config c = Config.defaults();
        assertThat(c.server().apiKeys()).containsExactly("sk-123456");
        assertThat(c.server().port()).isEqualTo(8080);
        assertThat(c.upstream().baseUrl().toString()).isEqualTo("https://fragments.e2b.dev");
        assertThat(c.retry().maxAttempts()).isEqualTo(2);
    }

    @Test
    void the_well_known_key_binds_loopback_unless_the_host_is_set() {
        assertThat(Config.from(Map.of()).server().host()).isEqualTo("127.0.0.1");
        assertThat(Config.from(Map.of()).server().hostDefaultedToLoopback()).isTrue();
        assertThat(Config.from(Map.of("E2B_HOST", "0.0.0.0")).server().host()).isEqualTo("0.0.0.0");
        Config own = Config.from(Map.of("E2B_API_KEY", "sk-mine"));
        assertThat(own.server().host()).isEqualTo("0.0.0.0");
        assertThat(own.server().hostDefaultedToLoopback()).isFalse();
    }

    @Test
    void several_comma_separated_keys_are_read() {
        assertThat(Config.from(Map.of("E2B_API_KEY", " sk-a , sk-b,,sk-c ")).server().apiKeys()).containsExactly("sk-a", "sk-b", "sk-c");
    }

    @Test
    void a_bad_value_names_the_variable() {
        assertThatThrownBy(() -> Config.from(Map.of("E2B_PORT", "eighty"))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("E2B_PORT");
        assertThatThrownBy(() -> Config.from(Map.of("E2B_PORT", "70000"))).hasMessageStartingWith("E2B_PORT");
        assertThatThrownBy(() -> Config.from(Map.of("E2B_BASE_URL", "ftp://x"))).hasMessageStartingWith("E2B_BASE_URL");
        assertThatThrownBy(() -> Config.from(Map.of("E2B_BASE_URL", "not a url"))).hasMessageStartingWith("E2B_BASE_URL");
        assertThatThrownBy(() -> Config.from(Map.of("E2B_IDLE_TIMEOUT_MS", "-5"))).hasMessageStartingWith("E2B_IDLE_TIMEOUT_MS");
        assertThatThrownBy(() -> Config.from(Map.of("E2B_API_KEY", " , "))).hasMessageStartingWith("E2B_API_KEY");
    }

    @Test
    void keys_are_masked_to_eight_characters() {
        assertThat(Config.mask("sk-1234567890abcdef")).isEqualTo("sk-12345...");
        assertThat(Config.mask(null)).isEqualTo("(none)");
    }
}
