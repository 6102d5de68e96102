package dev.e2bgateway.ops;

import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.GatewayProcess;
import dev.e2bgateway.support.Poll;
import dev.e2bgateway.support.Script;
import dev.e2bgateway.support.SseReader;
import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One access line per chat says how it ended ({@code outcome=}) and which routes it took
 * ({@code routes=}), and {@code gateway_chat_outcomes_total} counts the outcomes: a clean reply
 * after a retry, a client that hangs up, a reply the upstream cut off, a limit, a failure, a failover.
 */
class ChatOutcomesIT {

    private final OkHttpClient client = new OkHttpClient();

    private Request.Builder request(GatewayProcess gateway, String path) {
        return new Request.Builder().url(gateway.baseUrl() + path).header("Authorization", "Bearer " + Gateway.KEY);
    }

    private Call chat(GatewayProcess gateway, boolean stream) {
        return client.newCall(request(gateway, "/v1/chat/completions").post(RequestBody.create(
                Gateway.chat("gpt-4o", "Hi", "\"stream\":" + stream), MediaType.get("application/json"))).build());
    }

    /** Runs a chat to its end and returns its request id. */
    private String finished(GatewayProcess gateway, boolean stream) throws IOException {
        try (Response r = chat(gateway, stream).execute()) {
            r.body().string();
            return r.header("x-request-id");
        }
    }

    /** The access line of one request, once written (the access log writes in batches). */
    private static String line(GatewayProcess gateway, String requestId) throws Exception {
        Pattern p = Pattern.compile("(?m)e2bgateway\\.access - " + Pattern.quote(requestId) + " .*$");
        Poll.until("the access line of " + requestId, Duration.ofSeconds(10), () -> p.matcher(gateway.output()).find());
        Matcher m = p.matcher(gateway.output());
        assertThat(m.find()).isTrue();
        return m.group();
    }

    private double outcomes(GatewayProcess gateway, String outcome) throws IOException {
        try (Response r = client.newCall(request(gateway, "/metrics").build()).execute()) {
            Matcher m = Pattern.compile("(?m)^gateway_chat_outcomes_total\\{outcome=\"" + outcome + "\"} ([0-9.]+)$").matcher(r.body().string());
            return m.find() ? Double.parseDouble(m.group(1)) : 0;
        }
    }

    @Test
    void each_access_line_says_how_the_chat_ended_and_the_metrics_count_it() throws Exception {
        try (FakeFragments upstream = new FakeFragments();
             GatewayProcess gateway = GatewayProcess.start(Map.of("E2B_BASE_URL", upstream.baseUrl(),
                     "E2B_RETRY_MAX_ATTEMPTS", "3", "E2B_RETRY_DELAY_MS", "5"))) {
            // A retry the client never sees: ok, two attempts on the one route.
            upstream.enqueue(Script.status(503, "busy")).enqueue(Script.reply("fine"));
            String retried = finished(gateway, false);
            assertThat(line(gateway, retried)).contains(" 200 outcome=ok ", " route=default routes=default>default ", " attempts=2 ");

            // The upstream cuts the reply after text reached the client: 200 on the wire, but cut.
            String body = Fragments.json("c", "This reply will be cut off in the middle of a sentence");
            upstream.enqueue(Script.ok(body).truncate(body.length() - 20).splitEvery(9));
            String cut = finished(gateway, true);
            assertThat(line(gateway, cut)).contains(" 200 outcome=cut ", " attempts=1 ");

            // The client hangs up mid-stream.
            upstream.resetAborts();
            upstream.enqueue(Script.ok(Fragments.json("c", "word ".repeat(400))).splitEvery(10).pause(50));
            Call call = chat(gateway, true);
            String gone;
            try (Response r = call.execute()) {
                gone = r.header("x-request-id");
                SseReader sse = new SseReader(r);
                sse.next();
                sse.next();
                call.cancel();
            }
            assertThat(upstream.awaitAbort(5000)).as("the upstream call was cancelled").isTrue();
            assertThat(line(gateway, gone)).contains(" 200 outcome=client_gone ", " upstream_ms=-1 ");

            // The host's daily limit, and a refused provider key.
            upstream.enqueue(Script.status(429, "You have reached your request limit for the day."));
            assertThat(line(gateway, finished(gateway, false))).contains(" 429 outcome=limited ");
            upstream.enqueue(Script.status(403, "Access denied. Please make sure your API key is valid."));
            assertThat(line(gateway, finished(gateway, true))).contains(" 502 outcome=error ", " attempts=1 ");

            // Not a chat: read from the status, no routes.
            try (Response r = client.newCall(request(gateway, "/v1/models").build()).execute()) {
                assertThat(line(gateway, r.header("x-request-id"))).contains(" 200 outcome=ok model=- ", " routes=- ");
            }
            try (Response r = client.newCall(new Request.Builder().url(gateway.baseUrl() + "/v1/models").build()).execute()) {
                assertThat(line(gateway, r.header("x-request-id"))).contains(" 401 outcome=error ");
            }

            for (String outcome : new String[]{"ok", "cut", "client_gone", "limited", "error"}) {
                assertThat(outcomes(gateway, outcome)).as(outcome).isEqualTo(1);
            }
        }
    }

    @Test
    void a_failover_shows_both_routes_in_order() throws Exception {
        try (FakeFragments a = new FakeFragments(); FakeFragments b = new FakeFragments();
             GatewayProcess gateway = GatewayProcess.start(Map.of("E2B_BASE_URL", a.baseUrl() + "," + b.baseUrl(),
                     "E2B_RETRY_MAX_ATTEMPTS", "3", "E2B_RETRY_DELAY_MS", "5"))) {
            // A fresh table picks the first route first (equal weights); it is overloaded, the second answers.
            a.enqueue(Script.status(529, "The provider is currently unavailable. Please try again later."));
            b.enqueue(Script.reply("from b"));
            String id = finished(gateway, false);
            assertThat(line(gateway, id)).contains(" 200 outcome=ok ", " route=route-2 routes=route-1>route-2 ", " attempts=2 ");
            assertThat(outcomes(gateway, "ok")).isEqualTo(1);
        }
    }
}
