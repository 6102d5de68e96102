package dev.e2bgateway.ops;

import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.GatewayProcess;
import dev.e2bgateway.support.Poll;
import dev.e2bgateway.support.Script;
import dev.e2bgateway.support.SseReader;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/** SIGTERM with streams in flight: they finish (or are told why not), health says draining, exit 0. */
class GracefulShutdownIT {

    private static final String REPLY = "a reply that takes a while to stream, word by word, to the end.";

    private static Request streamRequest(GatewayProcess gw) {
        return new Request.Builder().url(gw.baseUrl() + "/v1/chat/completions")
                .header("Authorization", "Bearer " + Gateway.KEY)
                .post(RequestBody.create(Gateway.chat("gpt-4o", "Hi", "\"stream\":true"), MediaType.get("application/json")))
                .build();
    }

    @Test
    void sigterm_lets_a_stream_in_flight_finish_reports_draining_and_exits_0() throws Exception {
        try (FakeFragments upstream = new FakeFragments();
             GatewayProcess gw = GatewayProcess.start(Map.of("E2B_BASE_URL", upstream.baseUrl(), "E2B_SHUTDOWN_GRACE_MS", "10000"))) {
            // The upstream holds the second half of the reply back until the test has seen the gateway
            // draining, so the stream is still in flight then however slowly the gateway shuts down.
            CountDownLatch drainingSeen = new CountDownLatch(1);
            String body = Fragments.json("c", REPLY);
            int split = body.indexOf("word by word");
            upstream.enqueue(Script.pieces(body.substring(0, split), body.substring(split)).gateBefore(1, drainingSeen));
            OkHttpClient client = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();
            // A second connection, opened before the signal, on which to ask for health while draining.
            OkHttpClient healthClient = new OkHttpClient();
            try (Response r = healthClient.newCall(new Request.Builder().url(gw.baseUrl() + "/health").build()).execute()) {
                assertThat(r.code()).isEqualTo(200);
            }
            try (Response r = client.newCall(streamRequest(gw)).execute()) {
                SseReader sse = new SseReader(r);
                sse.next();
                sse.next(); // streaming has started
                gw.terminate();
                Poll.until("/health reports draining", Duration.ofSeconds(10), () -> {
                    try (Response health = healthClient.newCall(new Request.Builder().url(gw.baseUrl() + "/health").build()).execute()) {
                        if (health.code() == 200) return false; // the signal is not handled yet
                        assertThat(health.code()).isEqualTo(503);
                        assertThat(Gateway.json(health).get("status").asText()).isEqualTo("draining");
                        return true;
                    }
                });
                drainingSeen.countDown();
                List<String> rest = new ArrayList<>(sse.rest());
                assertThat(rest).last().isEqualTo("[DONE]");
                assertThat(rest).noneMatch(e -> e.contains("\"error\""));
            }
            assertThat(gw.awaitExit(20)).as(gw.output()).isZero();
        }
    }

    @Test
    void a_stream_longer_than_the_grace_period_ends_with_an_error_event_and_exit_0() throws Exception {
        try (FakeFragments upstream = new FakeFragments();
             GatewayProcess gw = GatewayProcess.start(Map.of("E2B_BASE_URL", upstream.baseUrl(), "E2B_SHUTDOWN_GRACE_MS", "500"))) {
            upstream.fallback(Script.ok(Fragments.json("c", REPLY.repeat(5))).splitEvery(8).pause(100));
            OkHttpClient client = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();
            try (Response r = client.newCall(streamRequest(gw)).execute()) {
                SseReader sse = new SseReader(r);
                sse.next();
                sse.next();
                gw.terminate();
                List<String> rest = sse.rest();
                assertThat(rest).isNotEmpty();
                assertThat(rest.get(rest.size() - 1)).contains("\"error\"", "shutting down");
                assertThat(rest).doesNotContain("[DONE]");
            }
            assertThat(gw.awaitExit(20)).as(gw.output()).isZero();
        }
    }

    @Test
    void a_body_cut_off_while_draining_is_a_503_to_retry_elsewhere_not_the_clients_400() throws Exception {
        try (FakeFragments upstream = new FakeFragments();
             GatewayProcess gw = GatewayProcess.start(Map.of("E2B_BASE_URL", upstream.baseUrl(), "E2B_SHUTDOWN_GRACE_MS", "10000"));
             java.net.Socket half = new java.net.Socket("127.0.0.1", gw.port)) {
            // A stream in flight keeps the gateway draining until the test lets it finish.
            CountDownLatch cutSeen = new CountDownLatch(1);
            String body = Fragments.json("c", REPLY);
            int split = body.indexOf("word by word");
            upstream.enqueue(Script.pieces(body.substring(0, split), body.substring(split)).gateBefore(1, cutSeen));
            OkHttpClient client = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();
            try (Response r = client.newCall(streamRequest(gw)).execute()) {
                SseReader sse = new SseReader(r);
                sse.next();
                // A second request whose body stops halfway, as one does when a stop closes its connection.
                byte[] chat = Gateway.chat("gpt-4o", "Hi", "\"stream\":false").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                half.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + Gateway.KEY
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + chat.length + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                half.getOutputStream().write(chat, 0, chat.length / 2);
                half.getOutputStream().flush();
                // Health is asked on a connection opened before the signal: the stop closes the
                // listener first, so a connection opened after it would be refused.
                OkHttpClient healthClient = new OkHttpClient();
                try (Response health = healthClient.newCall(new Request.Builder().url(gw.baseUrl() + "/health").build()).execute()) {
                    assertThat(health.code()).isEqualTo(200);
                }
                gw.terminate();
                Poll.until("/health reports draining", Duration.ofSeconds(10), () -> {
                    try (Response health = healthClient.newCall(new Request.Builder().url(gw.baseUrl() + "/health").build()).execute()) {
                        return health.code() == 503;
                    }
                });
                half.shutdownOutput();
                String answer = new String(half.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertThat(answer).startsWith("HTTP/1.1 503").contains("shutting down");
                cutSeen.countDown();
                assertThat(sse.rest()).last().isEqualTo("[DONE]");
            }
            assertThat(gw.awaitExit(20)).as(gw.output()).isZero();
        }
    }
}
