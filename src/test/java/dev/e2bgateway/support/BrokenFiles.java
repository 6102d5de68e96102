package dev.e2bgateway.support;

import dev.e2bgateway.App;
import dev.e2bgateway.config.Config;
import dev.e2bgateway.config.ConfigException;
import dev.e2bgateway.core.InFlight;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The settings files' shared promise: a broken one stops startup with a message naming the file, the entry and the field. */
public final class BrokenFiles {

    private BrokenFiles() {
    }

    /**
     * Writes each file content into {@code dir}, points {@code variable} at it, and checks that
     * building the gateway fails with a {@link ConfigException} starting with the variable and the
     * file and containing the expected words, and never containing {@code secret}.
     */
    public static void assertEachStopsStartup(Path dir, String variable, Map<String, String> contentToMessage, String secret)
            throws IOException {
        int i = 0;
        for (Map.Entry<String, String> e : contentToMessage.entrySet()) {
            Path file = dir.resolve(variable.toLowerCase() + "-" + i++ + ".json");
            Files.writeString(file, e.getKey());
            assertThatThrownBy(() -> App.create(Config.from(Map.of(variable, file.toString())), new InFlight()))
                    .as(e.getKey())
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith(variable + " " + file)
                    .hasMessageContaining(e.getValue())
                    .hasMessageNotContaining(secret);
        }
    }
}
