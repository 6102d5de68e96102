package dev.e2bgateway.api;

import dev.e2bgateway.support.GatewayProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A broken E2B_MODELS_FILE as the gateway process reports it: the message on standard error and the exit. */
class ModelsFileIT {

    @TempDir
    Path dir;

    @Test
    void the_gateway_process_exits_with_the_message_for_a_broken_file() throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"models\": [{\"id\": \"x\", \"provider\": \"X\", \"providerId\": \"nope\"}]}");
        assertThatThrownBy(() -> GatewayProcess.start(Map.of("E2B_MODELS_FILE", file.toString())))
                .hasMessageContaining("e2b-gateway: E2B_MODELS_FILE " + file + ": models[0] (x) field 'providerId'");
    }
}
