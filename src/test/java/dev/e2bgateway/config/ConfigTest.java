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
    void the_code_interpreter_is_off_unless_turned_on_and_waits_65_s_by_default() {
        assertThat(Config.defaults().interpreter().enabled()).isFalse();
        assertThat(Config.defaults().interpreter().timeout().toMillis()).isEqualTo(65_000);
        Config on = Config.from(Map.of("E2B_CODE_INTERPRETER", "on", "E2B_SANDBOX_TIMEOUT_MS", "30000"));
        assertThat(on.interpreter().enabled()).isTrue();
        assertThat(on.interpreter().timeout().toMillis()).isEqualTo(30_000);
        assertThat(Config.from(Map.of("E2B_CODE_INTERPRETER", "off")).interpreter().enabled()).isFalse();
        assertThatThrownBy(() -> Config.from(Map.of("E2B_CODE_INTERPRETER", "maybe"))).hasMessageStartingWith("E2B_CODE_INTERPRETER");
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
    void the_settings_files_are_watched_every_second_unless_told_otherwise() {
        assertThat(Config.defaults().reload()).isEqualTo(new Config.Reload(true, java.time.Duration.ofSeconds(1)));
        Config.Reload off = Config.from(Map.of("E2B_CONFIG_WATCH", "off", "E2B_CONFIG_WATCH_MS", "250")).reload();
        assertThat(off.watch()).isFalse();
        assertThat(off.interval()).isEqualTo(java.time.Duration.ofMillis(250));
        assertThatThrownBy(() -> Config.from(Map.of("E2B_CONFIG_WATCH", "sometimes"))).hasMessageStartingWith("E2B_CONFIG_WATCH");
        assertThatThrownBy(() -> Config.from(Map.of("E2B_CONFIG_WATCH_MS", "10"))).hasMessageStartingWith("E2B_CONFIG_WATCH_MS");
    }

    @Test
    void stored_responses_default_to_memory_and_read_their_bounds_ttl_and_redis_url() {
        Config.Responses defaults = Config.defaults().responses();
        assertThat(defaults.maxStored()).isEqualTo(1000);
        assertThat(defaults.maxStoredBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(defaults.ttl()).isEqualTo(java.time.Duration.ofDays(30));
        assertThat(defaults.redisUrl()).isNull();

        Config.Responses set = Config.from(Map.of("E2B_RESPONSES_MAX_STORED", "5", "E2B_RESPONSES_MAX_STORED_MB", "2",
                "E2B_RESPONSES_TTL", "90m", "E2B_REDIS_URL", "redis://app:s3cret@redis.internal:6380/2")).responses();
        assertThat(set.maxStored()).isEqualTo(5);
        assertThat(set.maxStoredBytes()).isEqualTo(2L * 1024 * 1024);
        assertThat(set.ttl()).isEqualTo(java.time.Duration.ofMinutes(90));
        assertThat(set.redisUrl().getHost()).isEqualTo("redis.internal");
        assertThat(set.describeRedis()).isEqualTo("redis://app:***@redis.internal:6380/2").doesNotContain("s3cret");
        assertThat(Config.from(Map.of("E2B_RESPONSES_TTL", "3600")).responses().ttl()).isEqualTo(java.time.Duration.ofHours(1));
        assertThat(Config.from(Map.of("E2B_RESPONSES_TTL", "2d")).responses().ttl()).isEqualTo(java.time.Duration.ofDays(2));
    }

    @Test
    void a_bad_stored_responses_setting_names_the_variable_and_never_shows_the_redis_password() {
        assertThatThrownBy(() -> Config.from(Map.of("E2B_RESPONSES_TTL", "soon"))).hasMessageStartingWith("E2B_RESPONSES_TTL");
        assertThatThrownBy(() -> Config.from(Map.of("E2B_RESPONSES_TTL", "0"))).hasMessageStartingWith("E2B_RESPONSES_TTL");
        assertThatThrownBy(() -> Config.from(Map.of("E2B_RESPONSES_MAX_STORED", "0"))).hasMessageStartingWith("E2B_RESPONSES_MAX_STORED");
        assertThatThrownBy(() -> Config.from(Map.of("E2B_REDIS_URL", "http://u:s3cret@host:6379")))
                .hasMessageStartingWith("E2B_REDIS_URL").hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> Config.from(Map.of("E2B_REDIS_URL", "redis://u:s3cret@host:6379/zero")))
                .hasMessageStartingWith("E2B_REDIS_URL").hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> Config.from(Map.of("E2B_REDIS_URL", "redis://u:s3cret@host:6379/ x")))
                .hasMessageStartingWith("E2B_REDIS_URL").hasMessageNotContaining("s3cret");
    }

    @Test
    void keys_are_masked_to_four_characters() {
        assertThat(Config.mask("sk-1234567890abcdef")).isEqualTo("sk-1...");
        assertThat(Config.mask("short-key")).isEqualTo("s...");
        assertThat(Config.mask(null)).isEqualTo("(none)");
    }
}
