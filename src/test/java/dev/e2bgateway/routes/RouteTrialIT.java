package dev.e2bgateway.routes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.GatewayProcess;
import dev.e2bgateway.support.Poll;
import dev.e2bgateway.support.Script;
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
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sick route's breaker trial, against the gateway as a process: a trial whose client hangs up
 * before the first byte is released, so the route comes back once it is well; it never stays
 * "trial in progress" with no request reaching it.
 */
class RouteTrialIT {

    private final OkHttpClient client = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();

    private Call chatCall(GatewayProcess gw) {
        return client.newCall(new Request.Builder().url(gw.baseUrl() + "/v1/chat/completions")
                .header("Authorization", "Bearer " + Gateway.KEY)
                .post(RequestBody.create(Gateway.chat("gpt-4o", "Hi", null), MediaType.get("application/json"))).build());
    }

    private int chat(GatewayProcess gw) throws IOException {
        try (Response r = chatCall(gw).execute()) {
            r.body().string();
            return r.code();
        }
    }

    private JsonNode get(GatewayProcess gw, String path) throws IOException {
        try (Response r = client.newCall(new Request.Builder().url(gw.baseUrl() + path)
                .header("Authorization", "Bearer " + Gateway.KEY).build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            return Gateway.json(r);
        }
    }

    private static boolean received(FakeFragments upstream) {
        try {
            upstream.assertNoRequest();
            return false;
        } catch (AssertionError pending) {
            return true;
        }
    }

    @Test
    void a_trial_whose_client_hangs_up_before_the_first_byte_is_released_and_the_recovered_route_gets_requests_again() throws Exception {
        try (FakeFragments sick = new FakeFragments(); FakeFragments healthy = new FakeFragments();
             GatewayProcess gw = GatewayProcess.start(Map.of("E2B_BASE_URL", sick.baseUrl() + "," + healthy.baseUrl()))) {
            // Round robin starts at route-1: the sick route answers 503, the request fails over.
            sick.enqueue(Script.status(503, "overloaded"));
            assertThat(chat(gw)).isEqualTo(200);
            sick.takeRequest();
            healthy.takeRequest();
            assertThat(get(gw, "/v1/gateway/upstreams").at("/data/0/failures").asInt()).isEqualTo(1);
            Poll.until("the sick route's break ends", Duration.ofSeconds(10),
                    () -> get(gw, "/v1/gateway/upstreams").at("/data/0/available").asBoolean());

            // Its trial hangs before the first byte (the first-byte timeout is the default minute).
            sick.enqueue(Script.reply("late").headerDelay(60_000));
            sick.resetAborts();
            Call trial = null;
            for (int i = 0; i < 3 && trial == null; i++) {
                Call call = chatCall(gw);
                CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
                    try (Response r = call.execute()) {
                        r.body().string();
                    } catch (IOException cancelled) {
                        // the test hangs this one up
                    }
                });
                Poll.until("one of the routes receives the request", Duration.ofSeconds(10), () -> received(sick) || received(healthy));
                if (received(sick)) {
                    sick.takeRequest();
                    trial = call;
                } else {
                    healthy.takeRequest();
                    done.get();
                }
            }
            assertThat(trial).as("the sick route's trial within three requests").isNotNull();
            JsonNode during = get(gw, "/v1/gateway/upstreams").at("/data/0");
            assertThat(during.get("trial").asBoolean()).isTrue();
            assertThat(during.get("available").asBoolean()).as("a route in trial gets no other request").isFalse();
            assertThat(get(gw, "/health").at("/upstreams/available").asInt()).isEqualTo(1);

            trial.cancel(); // the client hangs up before the first byte
            assertThat(sick.awaitAbort(10_000)).as("the gateway gives up the upstream call").isTrue();
            Poll.until("the trial is released", Duration.ofSeconds(10),
                    () -> !get(gw, "/v1/gateway/upstreams").at("/data/0/trial").asBoolean());
            assertThat(get(gw, "/health").at("/upstreams/available").asInt()).isEqualTo(2);

            // The route is well again: within two requests it gets one, answers, and its breaker closes.
            assertThat(chat(gw)).isEqualTo(200);
            if (!received(sick)) assertThat(chat(gw)).isEqualTo(200);
            sick.takeRequest();
            JsonNode after = get(gw, "/v1/gateway/upstreams").at("/data/0");
            assertThat(after.get("failures").asInt()).isZero();
            assertThat(after.get("available").asBoolean()).isTrue();
            for (int i = 0; i < 4; i++) assertThat(chat(gw)).isEqualTo(200);
            int toSick = 0;
            while (received(sick)) {
                sick.takeRequest();
                toSick++;
            }
            assertThat(toSick).as("back in rotation").isEqualTo(2);
        }
    }
}
