package dev.e2bgateway.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.GatewayProcess;
import dev.e2bgateway.support.Script;
import dev.e2bgateway.support.SseReader;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reply with tools offered that opens a code fence and then writes a long run of blank space,
 * through the gateway as a process: the blank run reaches the client while the upstream is still
 * streaming (the parser holds back at most a few hundred characters after a fence), and the
 * reply arrives whole.
 */
class FencedBlankRunStreamingIT {

    @Test
    void text_after_a_fence_and_a_long_blank_run_reaches_the_client_while_the_upstream_streams() throws Exception {
        String reply = "Here:\n```\n" + " ".repeat(40_000) + "done";
        String body = Fragments.json("c", reply);
        int split = body.indexOf("done") - 5_000; // the second piece: the blank run's last 5,000 and the end
        CountDownLatch clientSawTheRun = new CountDownLatch(1);
        try (FakeFragments upstream = new FakeFragments();
             GatewayProcess gw = GatewayProcess.start(Map.of("E2B_BASE_URL", upstream.baseUrl()))) {
            upstream.enqueue(Script.pieces(body.substring(0, split), body.substring(split)).gateBefore(1, clientSawTheRun));
            OkHttpClient client = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();
            String request = "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                    + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}}]}";
            StringBuilder content = new StringBuilder();
            boolean endSeenWhenRunArrived = true;
            try (Response r = client.newCall(new Request.Builder().url(gw.baseUrl() + "/v1/chat/completions")
                    .header("Authorization", "Bearer " + Gateway.KEY)
                    .post(RequestBody.create(request, MediaType.get("application/json"))).build()).execute()) {
                assertThat(r.code()).isEqualTo(200);
                SseReader events = new SseReader(r);
                for (String data = events.next(); data != null && !data.equals("[DONE]"); data = events.next()) {
                    JsonNode delta = Gateway.json(data).at("/choices/0/delta/content");
                    if (delta.isTextual()) content.append(delta.asText());
                    if (clientSawTheRun.getCount() > 0 && content.length() >= 30_000) {
                        endSeenWhenRunArrived = content.toString().contains("done");
                        clientSawTheRun.countDown(); // only now does the upstream send the rest
                    }
                }
            }
            assertThat(endSeenWhenRunArrived).as("30,000 characters of the run arrived before the upstream sent its end").isFalse();
            assertThat(content.toString()).isEqualTo(reply);
        }
    }
}
