package dev.e2bgateway.ops;

import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.GatewayProcess;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a newcomer reads at start: a warning when the gateway accepts other machines, none when it does not. */
class StartupWarningsIT {

    private static final String NOT_LOOPBACK = "(not loopback): other machines that reach this one can connect";

    @Test
    void listening_on_every_interface_is_said_with_the_setting_that_narrows_it() throws Exception {
        try (FakeFragments upstream = new FakeFragments();
             GatewayProcess gw = GatewayProcess.start(Map.of("E2B_BASE_URL", upstream.baseUrl(), "E2B_HOST", "0.0.0.0"))) {
            assertThat(gw.output()).contains("WARN").contains("listening on 0.0.0.0 " + NOT_LOOPBACK)
                    .contains("Set E2B_HOST=127.0.0.1");
        }
    }

    @Test
    void loopback_starts_without_that_warning() throws Exception {
        try (FakeFragments upstream = new FakeFragments();
             GatewayProcess gw = GatewayProcess.start(Map.of("E2B_BASE_URL", upstream.baseUrl()))) {
            assertThat(gw.output()).contains("listening on").doesNotContain(NOT_LOOPBACK);
        }
    }
}
