package dev.e2bgateway.ops;

import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.Script;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** /metrics in Prometheus text format counts what the gateway did. */
class MetricsTest {

    static double value(String metrics, String seriesRegex) {
        Matcher m = Pattern.compile("(?m)^" + seriesRegex + " ([0-9.eE+-]+)$").matcher(metrics);
        if (!m.find()) throw new AssertionError("no series " + seriesRegex + " in:\n" + metrics);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void metrics_count_requests_failures_retries_and_latency() throws Exception {
        try (FakeFragments upstream = new FakeFragments(); Gateway gateway = Gateway.start(upstream)) {
            upstream.enqueue(Script.ok(Fragments.json("c", "one")).splitEvery(4));
            upstream.enqueue(Script.status(503, "busy"));
            upstream.enqueue(Script.reply("two"));
            upstream.enqueue(Script.status(429, "You have reached your request limit for the day."));
            for (int i = 0; i < 3; i++) {
                try (Response r = gateway.post("/v1/chat/completions", Gateway.chat("gpt-4o", "Hi", i == 0 ? "\"stream\":true" : null))) {
                    r.body().string();
                }
            }
            try (Response r = gateway.http.newCall(new Request.Builder().url(gateway.baseUrl() + "/v1/models").build()).execute()) {
                assertThat(r.code()).isEqualTo(401);
            }

            try (Response r = gateway.http.newCall(new Request.Builder().url(gateway.baseUrl() + "/metrics").build()).execute()) {
                assertThat(r.code()).as("protected by the key").isEqualTo(401);
            }
            String metrics;
            try (Response r = gateway.get("/metrics")) {
                assertThat(r.code()).isEqualTo(200);
                assertThat(r.header("Content-Type")).startsWith("text/plain");
                metrics = r.body().string();
            }
            assertThat(value(metrics, "gateway_requests_seconds_count\\{method=\"POST\",model=\"gpt-4o\",route=\"/v1/chat/completions\",status=\"200\"\\}")).isEqualTo(2);
            assertThat(value(metrics, "gateway_requests_seconds_count\\{method=\"POST\",model=\"gpt-4o\",route=\"/v1/chat/completions\",status=\"429\"\\}")).isEqualTo(1);
            assertThat(value(metrics, "gateway_requests_seconds_count\\{method=\"GET\",model=\"-\",route=\"/v1/\\*\",status=\"401\"\\}")).isEqualTo(1);
            assertThat(value(metrics, "gateway_upstream_failures_total\\{class=\"5xx\",kind=\"overloaded\"\\}")).isEqualTo(1);
            assertThat(value(metrics, "gateway_upstream_failures_total\\{class=\"429\",kind=\"rate_limit_daily\"\\}")).isEqualTo(1);
            assertThat(value(metrics, "gateway_upstream_retries_total")).isEqualTo(1);
            assertThat(value(metrics, "gateway_upstream_latency_seconds_count\\{model=\"gpt-4o\"\\}")).isEqualTo(2);
            assertThat(value(metrics, "gateway_upstream_ttft_seconds_count\\{model=\"gpt-4o\"\\}")).isEqualTo(2);
            assertThat(metrics).contains("gateway_upstream_ttft_seconds_bucket{model=\"gpt-4o\",le=");
            assertThat(value(metrics, "gateway_streams_active")).isZero();
        }
    }

    @Test
    void metrics_can_be_public() throws Exception {
        try (FakeFragments upstream = new FakeFragments(); Gateway gateway = Gateway.start(upstream, Map.of("E2B_METRICS_PUBLIC", "true"));
             Response r = gateway.http.newCall(new Request.Builder().url(gateway.baseUrl() + "/metrics").build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).contains("gateway_streams_active");
        }
    }

    @Test
    void unusable_upstream_bodies_are_counted_by_what_was_wrong() throws Exception {
        try (FakeFragments upstream = new FakeFragments();
             Gateway gateway = Gateway.start(upstream, Map.of("E2B_RETRY_MAX_ATTEMPTS", "1"))) {
            upstream.enqueue(Script.ok("Sorry, plain text."));
            upstream.enqueue(Script.ok("{\"commentary\" \"no colon\"}"));
            upstream.enqueue(Script.ok(""));
            upstream.enqueue(Script.ok("{\"commentary\": \"cut short"));
            for (int i = 0; i < 4; i++) {
                try (Response r = gateway.post("/v1/chat/completions", Gateway.chat("gpt-4o", "Hi", null))) {
                    assertThat(r.code()).isEqualTo(502);
                }
            }
            String metrics;
            try (Response r = gateway.get("/metrics")) {
                metrics = r.body().string();
            }
            for (String kind : new String[]{"not_json", "malformed", "empty", "cut"}) {
                assertThat(value(metrics, "gateway_upstream_failures_total\\{class=\"" + kind + "\",kind=\"" + kind + "\"\\}"))
                        .as(kind).isEqualTo(1);
            }
        }
    }
}
