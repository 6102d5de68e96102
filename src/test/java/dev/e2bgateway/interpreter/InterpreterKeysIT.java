package dev.e2bgateway.interpreter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.Cells;
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
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may run code, and how much (the keys file's {@code interpreter} and
 * {@code sandbox_runs_per_day}), in the gateway process: the 400 in the caller's dialect, the
 * day's budget, and each key's sandbox runs in its access line and in /metrics.
 */
class InterpreterKeysIT {

    static final String NO_CODE = "sk-no-code-key-0123456789";
    static final String TWO_A_DAY = "sk-two-runs-a-day-0123456789";

    @TempDir
    Path dir;

    final OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(60)).build();

    Response post(GatewayProcess gw, String key, String path, String body) throws Exception {
        return http.newCall(new Request.Builder().url(gw.baseUrl() + path).header("Authorization", "Bearer " + key)
                .post(RequestBody.create(body, MediaType.get("application/json"))).build()).execute();
    }

    static final String RESPONSES = "{\"model\":\"gpt-4o\",\"input\":\"Compute\",\"store\":false,\"include\":[\"code_interpreter_call.outputs\"],"
            + "\"tools\":[{\"type\":\"code_interpreter\",\"container\":{\"type\":\"auto\"}}]}";
    static final String MESSAGES = "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"Compute\"}],"
            + "\"tools\":[{\"type\":\"code_execution_20250522\",\"name\":\"code_execution\"}]}";

    @Test
    void a_key_without_the_interpreter_gets_a_400_in_its_dialect_and_a_keys_daily_sandbox_runs_are_counted_and_capped() throws Exception {
        Path keys = dir.resolve("keys.json");
        Files.writeString(keys, "{\"keys\": [{\"name\": \"chat-only\", \"key\": \"" + NO_CODE + "\", \"interpreter\": false},"
                + "{\"name\": \"two-a-day\", \"key\": \"" + TWO_A_DAY + "\", \"sandbox_runs_per_day\": 2}]}");
        try (FakeFragments upstream = new FakeFragments();
             GatewayProcess gw = GatewayProcess.start(Map.of("E2B_BASE_URL", upstream.baseUrl(), "E2B_KEYS_FILE", keys.toString(),
                     "E2B_CODE_INTERPRETER", "on", "E2B_API_KEY", Gateway.KEY))) {
            try (Response r = post(gw, NO_CODE, "/v1/responses", RESPONSES)) {
                assertThat(r.code()).isEqualTo(400);
                JsonNode error = Gateway.json(r.body().string()).get("error");
                assertThat(error.get("param").asText()).isEqualTo("tools");
                assertThat(error.get("message").asText()).contains("'chat-only' may not use the code interpreter");
            }
            try (Response r = post(gw, NO_CODE, "/v1/messages", MESSAGES)) {
                assertThat(r.code()).isEqualTo(400);
                JsonNode body = Gateway.json(r.body().string());
                assertThat(body.get("type").asText()).isEqualTo("error");
                assertThat(body.at("/error/type").asText()).isEqualTo("invalid_request_error");
            }
            upstream.assertNoRequest();
            try (Response r = post(gw, NO_CODE, "/v1/responses", "{\"model\":\"gpt-4o\",\"input\":\"Hi\",\"store\":false}")) {
                assertThat(r.code()).as("chats without the tool are fine").isEqualTo(200);
            }
            upstream.takeRequest();

            String calls = "<tool_calls>\n" + "<invoke name=\"python\">\n<parameter name=\"code\">print(1)</parameter>\n</invoke>\n".repeat(3)
                    + "</tool_calls>";
            upstream.enqueue(Script.ok(Fragments.json("Running.", calls)));
            for (int i = 0; i < 2; i++) upstream.enqueueSandbox(Cells.printed("sbx_" + i, "1\n"));
            upstream.enqueue(Script.ok(Fragments.json("Answering.", "Two ran.")));
            try (Response r = post(gw, TWO_A_DAY, "/v1/responses", RESPONSES)) {
                String text = r.body().string();
                assertThat(r.code()).as(text).isEqualTo(200);
                JsonNode output = Gateway.json(text).get("output");
                assertThat(output.get(2).at("/outputs/0/logs").asText()).contains("daily budget of sandbox runs is spent");
            }
            upstream.takeSandboxRequest();
            upstream.takeSandboxRequest();
            upstream.assertNoSandboxRequest();

            Poll.until("the access line is written", Duration.ofSeconds(10), () -> gw.output().contains("key=two-a-day"));
            assertThat(gw.output().lines().filter(l -> l.contains("POST /v1/responses 200") && l.contains("key=two-a-day")))
                    .singleElement().asString().endsWith("key=two-a-day sandbox_runs=2");
            try (Response m = http.newCall(new Request.Builder().url(gw.baseUrl() + "/metrics")
                    .header("Authorization", "Bearer " + Gateway.KEY).build()).execute()) {
                assertThat(m.body().string()).contains("gateway_sandbox_runs_total{key=\"two-a-day\",outcome=\"ok\"} 2.0",
                        "gateway_key_limited_total{key=\"two-a-day\",limit=\"sandbox_runs_per_day\"} 1.0");
            }
        }
    }
}
