package dev.e2bgateway.gemini;

import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Fragments;
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

/**
 * A key in Google's {@code ?key=} query parameter is never logged: the gateway as a process, its
 * whole output read after a good and a bad key were sent that way (the gateway's loggers at DEBUG).
 */
class GeminiKeyLogIT {

    @Test
    void a_key_in_the_query_string_never_reaches_the_log() throws Exception {
        String wrong = "sk-wrong-but-secret-0123456789";
        OkHttpClient client = new OkHttpClient();
        try (FakeFragments upstream = new FakeFragments();
             GatewayProcess gw = GatewayProcess.start(Map.of("E2B_BASE_URL", upstream.baseUrl(), "E2B_GEMINI_MODEL", "gpt-4o",
                     "JAVA_TOOL_OPTIONS", "-Dorg.slf4j.simpleLogger.log.dev.e2bgateway=debug"))) {
            upstream.enqueue(Script.ok(Fragments.json("c", "Hi.")));
            for (String key : new String[] {Gateway.KEY, wrong}) {
                try (Response r = client.newCall(new Request.Builder()
                        .url(gw.baseUrl() + "/v1beta/models/gemini-2.5-flash:generateContent?key=" + key)
                        .post(RequestBody.create("{\"contents\":[{\"parts\":[{\"text\":\"Hi\"}]}]}", MediaType.get("application/json")))
                        .build()).execute()) {
                    assertThat(r.code()).isEqualTo(key.equals(wrong) ? 401 : 200);
                }
            }
            Poll.until("both requests are logged", Duration.ofSeconds(10),
                    () -> gw.output().contains(":generateContent 200") && gw.output().contains(":generateContent 401"));
            String out = gw.output();
            assertThat(out).doesNotContain(Gateway.KEY).doesNotContain(wrong).doesNotContain("?key");
        }
    }
}
