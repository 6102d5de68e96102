package dev.e2bgateway.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.config.Config;
import dev.e2bgateway.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A keys file that cannot be read is refused naming the file, the entry and the field, never quoting the key. */
class KeysFileTest {

    static Config.Server server(Path file) {
        return Config.from(Map.of("E2B_KEYS_FILE", file.toString())).server();
    }

    @Test
    void an_unquoted_key_is_refused_by_place_without_its_text(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys.json");
        Files.writeString(file, "{\"keys\": [\n  {\"name\": \"ide\", \"key\": \"sk-fine-0123456789\"},\n  {\"name\": \"ci\", \"key\": abcdefSECRET42}\n]}");
        assertThatThrownBy(() -> ClientKeys.load(server(file), new ObjectMapper()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("line 3").hasMessageContaining("keys[1].key")
                .hasMessageNotContaining("abcdef").hasMessageNotContaining("SECRET");
    }

    @Test
    void a_file_cut_short_names_where_it_stopped(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys.json");
        Files.writeString(file, "{\"keys\": [{\"name\": \"ide\", \"key\": \"sk-cut-short-0123");
        assertThatThrownBy(() -> ClientKeys.load(server(file), new ObjectMapper()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("keys[0].key").hasMessageNotContaining("sk-cut");
    }
}
