package dev.e2bgateway.rules;

import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.GatewayProcess;
import dev.e2bgateway.support.Poll;
import dev.e2bgateway.support.Script;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Provider keys in the gateway process's own output (its log), metrics and errors. */
class ProviderRulesIT {

    @Test
    void provider_keys_never_reach_logs_metrics_or_errors_and_retries_show_as_attempts() throws Exception {
        try (FakeFragments upstream = new FakeFragments();
             GatewayProcess gateway = GatewayProcess.start(Map.of("E2B_BASE_URL", upstream.baseUrl(), "E2B_RETRY_DELAY_MS", "5",
                     "E2B_PROVIDER_KEYS", "openai=" + ProviderRulesTest.OPENAI_KEY))) {
            upstream.enqueue(Script.status(503, "busy")).enqueue(Script.reply("fine"));
            upstream.enqueue(Script.status(403, "Access denied. Please make sure your API key is valid."));
            OkHttpClient client = new OkHttpClient();
            String errors;
            for (int i = 0; i < 2; i++) {
                try (Response r = client.newCall(new okhttp3.Request.Builder().url(gateway.baseUrl() + "/v1/chat/completions")
                        .header("Authorization", "Bearer " + Gateway.KEY)
                        .post(okhttp3.RequestBody.create(Gateway.chat("gpt-4o", "Hi", null), okhttp3.MediaType.get("application/json")))
                        .build()).execute()) {
                    errors = r.body().string();
                    assertThat(errors).doesNotContain(ProviderRulesTest.OPENAI_KEY);
                }
            }
            assertThat(upstream.takeRequest().body().at("/config/apiKey").asText()).isEqualTo(ProviderRulesTest.OPENAI_KEY);
            try (Response r = client.newCall(new okhttp3.Request.Builder().url(gateway.baseUrl() + "/metrics")
                    .header("Authorization", "Bearer " + Gateway.KEY).build()).execute()) {
                assertThat(r.body().string()).doesNotContain(ProviderRulesTest.OPENAI_KEY);
            }
            Poll.until("both access lines are written", java.time.Duration.ofSeconds(10), () -> gateway.output().split(" POST /v1/chat/completions ", -1).length > 2);
            String log = gateway.output();
            assertThat(log).contains("POST /v1/chat/completions 200 outcome=ok model=gpt-4o").contains("attempts=2");
            assertThat(log).doesNotContain(ProviderRulesTest.OPENAI_KEY).contains("openai=" + ProviderRulesTest.OPENAI_KEY.substring(0, 4) + "...");
        }
    }
}
