package dev.e2bgateway.ops;

import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.GatewayProcess;
import dev.e2bgateway.support.Poll;
import dev.e2bgateway.support.Script;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** /metrics and the access log of the gateway as its own process (the log is its standard output). */
class MetricsIT {

    @Test
    void a_529_is_logged_and_counted_as_529() throws Exception {
        try (FakeFragments upstream = new FakeFragments();
             GatewayProcess gateway = GatewayProcess.start(Map.of("E2B_BASE_URL", upstream.baseUrl(), "E2B_RETRY_MAX_ATTEMPTS", "1"))) {
            upstream.enqueue(Script.status(529, "The provider is currently unavailable. Please try again later."));
            OkHttpClient client = new OkHttpClient();
            Request request = new Request.Builder().url(gateway.baseUrl() + "/v1/messages").header("x-api-key", Gateway.KEY)
                    .post(RequestBody.create("{\"model\":\"claude-3-7-sonnet-latest\",\"max_tokens\":10,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", MediaType.get("application/json")))
                    .build();
            try (Response r = client.newCall(request).execute()) {
                assertThat(r.code()).isEqualTo(529);
            }
            String metrics;
            try (Response r = client.newCall(new Request.Builder().url(gateway.baseUrl() + "/metrics")
                    .header("Authorization", "Bearer " + Gateway.KEY).build()).execute()) {
                metrics = r.body().string();
            }
            assertThat(MetricsTest.value(metrics, "gateway_requests_seconds_count\\{method=\"POST\",model=\"claude-3-7-sonnet-latest\","
                    + "route=\"/v1/messages\",status=\"529\"\\}")).isEqualTo(1);
            // The access line is written once the response is complete.
            Poll.until("the access line is written", Duration.ofSeconds(10), () -> gateway.output().contains("POST /v1/messages 529 "));
            assertThat(gateway.output()).contains("POST /v1/messages 529 outcome=error model=claude-3-7-sonnet-latest").doesNotContain(" -1 ");
        }
    }
}
