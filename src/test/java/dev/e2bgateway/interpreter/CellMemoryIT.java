package dev.e2bgateway.interpreter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.Cells;
import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.GatewayProcess;
import dev.e2bgateway.support.Script;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway as its own process with the memory flags run.sh and the container use, and a reply
 * whose three cells print 15 MB each: the process stays alive, its resident memory bounded,
 * because a cell's answer is read with its cap instead of held whole (docs/code-interpreter.md, "Budgets").
 */
class CellMemoryIT {

    static final int FIFTEEN_MB = 15 << 20;
    static final List<String> RUN_SH_FLAGS = List.of("-Xms16m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:MinHeapFreeRatio=10",
            "-XX:MaxHeapFreeRatio=30", "-XX:+ExitOnOutOfMemoryError");

    @Test
    void three_cells_of_fifteen_megabytes_leave_a_256_mb_gateway_alive_with_its_memory_bounded() throws Exception {
        try (FakeFragments upstream = new FakeFragments();
             GatewayProcess gateway = GatewayProcess.start(Map.of("E2B_BASE_URL", upstream.baseUrl(), "E2B_CODE_INTERPRETER", "on"),
                     RUN_SH_FLAGS)) {
            String calls = "Three big cells.\n<tool_calls>\n" + "<invoke name=\"python\">\n<parameter name=\"code\">print('x' * 15_000_000)</parameter>\n</invoke>\n".repeat(3)
                    + "</tool_calls>";
            upstream.enqueue(Script.ok(Fragments.json("Running code.", calls)));
            String big = "x".repeat(FIFTEEN_MB);
            for (int i = 0; i < 3; i++) upstream.enqueueSandbox(Cells.printed("sbx_big_" + i, big));
            upstream.enqueue(Script.ok(Fragments.json("Answering.", "That was a lot of x.")));

            OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(120)).callTimeout(Duration.ofSeconds(180)).build();
            String body = "{\"model\":\"gpt-4o\",\"input\":\"Print a lot\",\"include\":[\"code_interpreter_call.outputs\"],"
                    + "\"tools\":[{\"type\":\"code_interpreter\",\"container\":{\"type\":\"auto\"}}]}";
            Request request = new Request.Builder().url(gateway.baseUrl() + "/v1/responses").header("authorization", "Bearer " + Gateway.KEY)
                    .post(RequestBody.create(body, MediaType.get("application/json"))).build();
            try (Response r = http.newCall(request).execute()) {
                String text = r.body().string();
                assertThat(r.code()).as(text.length() > 500 ? text.substring(0, 500) : text).isEqualTo(200);
                JsonNode response = Gateway.json(text);
                assertThat(response.get("output_text").asText()).endsWith("That was a lot of x.");
                int cells = 0;
                for (JsonNode item : response.get("output")) {
                    if (!item.get("type").asText().equals("code_interpreter_call")) continue;
                    cells++;
                    String logs = item.at("/outputs/0/logs").asText();
                    assertThat(logs).startsWith("xxxx").contains("more characters left out").hasSizeLessThan((1 << 20) + 200);
                }
                assertThat(cells).isEqualTo(3);
            }
            assertThat(gateway.process.isAlive()).as("the gateway survived").isTrue();
            try (Response health = http.newCall(new Request.Builder().url(gateway.baseUrl() + "/health").build()).execute()) {
                assertThat(health.code()).isEqualTo(200);
            }
            long peakKb = statusKb(gateway.process.pid(), "VmHWM");
            System.out.println("CellMemoryIT: the gateway's peak resident memory was " + peakKb / 1024 + " MB");
            // The heap is at most 256 MB; the rest is the JVM's own (code, metaspace, threads): far below what holding 45 MB several times needs to die.
            assertThat(peakKb).as("peak RSS in kB").isLessThan(320L * 1024);
            for (int i = 0; i < 3; i++) upstream.takeSandboxRequest();
        }
    }

    /** A line of /proc/PID/status, in kB. */
    static long statusKb(long pid, String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("\\D", ""));
        }
        throw new AssertionError("no " + field + " in /proc/" + pid + "/status");
    }
}
