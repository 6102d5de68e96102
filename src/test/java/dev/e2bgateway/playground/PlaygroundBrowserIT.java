package dev.e2bgateway.playground;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.Cells;
import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.Node;
import dev.e2bgateway.support.Script;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The playground page in a real browser (Debian's Chromium driven by playwright-core), against
 * a slowly streaming fake upstream. Screenshots land in target/playground/. Skipped where
 * Chromium is not installed, except under CI (.ci/run installs it).
 */
class PlaygroundBrowserIT {

    @Test
    void the_page_is_served_without_auth_and_allows_nothing_but_the_gateway() throws Exception {
        try (FakeFragments upstream = new FakeFragments(); Gateway gateway = Gateway.start(upstream)) {
            for (String path : new String[]{"/", "/playground"}) {
                try (Response r = gateway.http.newCall(new Request.Builder().url(gateway.baseUrl() + path).build()).execute()) {
                    assertThat(r.code()).isEqualTo(200);
                    assertThat(r.header("Content-Type")).startsWith("text/html");
                    assertThat(r.header("Content-Security-Policy")).contains("default-src 'none'", "connect-src 'self'");
                    String html = r.body().string();
                    assertThat(html).contains("e2b-gateway playground", upstream.baseUrl()).doesNotContain("{{", Gateway.KEY);
                    assertThat(html).doesNotContainPattern("(src|href)=\"(https?:)?//");
                }
            }
        }
    }

    @Test
    void chat_streams_in_stops_shows_errors_and_runs_code_in_chromium() throws Exception {
        boolean installed = Files.isExecutable(Path.of("/usr/bin/chromium"));
        if (!installed && "true".equals(System.getenv("CI"))) throw new AssertionError("chromium is not installed (.ci/run installs it)");
        Assumptions.assumeTrue(installed, "chromium is not installed");
        Path shots = Path.of("target", "playground").toAbsolutePath();
        Files.createDirectories(shots);
        String reply = "Hello! This reply streams in, piece by piece, <i>not as HTML</i>.";
        try (FakeFragments upstream = new FakeFragments(); Gateway gateway = Gateway.start(upstream, Map.of("E2B_CODE_INTERPRETER", "on", "E2B_OLLAMA", "on"))) {
            upstream.enqueue(Script.ok(Fragments.json("c", reply)).splitEvery(12).pause(120));
            upstream.enqueue(Script.ok(Fragments.json("c", "Once upon a time, ".repeat(200))).splitEvery(20).pause(100));
            long reset = System.currentTimeMillis() + 3_600_000;
            upstream.enqueue(Script.status(429, "You have reached your request limit for the day.")
                    .header("X-RateLimit-Reset", String.valueOf(reset)));
            String cut = Fragments.json("c", "This answer starts well and then the upstream goes away");
            upstream.enqueue(Script.ok(cut).truncate(cut.length() - 15).splitEvery(10));
            upstream.enqueue(Script.ok(Fragments.json("c", "Plotting.\n<tool_calls>\n<invoke name=\"python\">\n<parameter name=\"code\">\n"
                    + "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()\n</parameter>\n</invoke>\n</tool_calls>")).splitEvery(16).pause(30));
            upstream.enqueueSandbox(Cells.plotted("sbx_playground", "plotted 2 points\n"));
            upstream.enqueue(Script.ok(Fragments.json("c", "Here is the line.")).splitEvery(6).pause(30));
            upstream.enqueue(Script.ok(Fragments.json("c", "Gemini-shaped hello.")).splitEvery(5));
            upstream.enqueue(Script.ok(Fragments.json("c", "Hello from the Ollama door, 你好.")).splitEvery(7).pause(30));
            Node.Result result = Node.run("playground.mjs", gateway.baseUrl(), Gateway.KEY, shots.toString());
            long end = System.currentTimeMillis();
            assertThat(result.exitCode()).as(result.stderr()).isZero();
            JsonNode out = Gateway.json(result.stdout());

            assertThat(out.get("external")).as("requests to anything but the gateway").isEmpty();
            assertThat(out.get("upstream").asText()).isEqualTo(upstream.baseUrl());
            assertThat(out.get("modelsBeforeKey").toString()).as("the model list before a key is saved")
                    .isEqualTo("[\"save a key to list models\"]");
            assertThat(out.get("groups").toString()).contains("openai", "anthropic", "google");
            assertThat(out.get("growthSteps").asInt()).as("text grew in several steps").isGreaterThanOrEqualTo(3);
            assertThat(out.get("reply").asText()).isEqualTo(reply);
            assertThat(out.get("stats").asText()).contains("first token", "total", "tokens", "finish: stop");
            assertThat(out.get("userBubbleHtml").asText()).isEqualTo("Hello &lt;b&gt;there&lt;/b&gt;");

            assertThat(out.get("stoppedStats").asText()).contains("finish: stopped");
            assertThat(out.get("stoppedGrewAfterStop").asBoolean()).isFalse();
            assertThat(out.get("stoppedLength").asInt()).isLessThan("Once upon a time, ".length() * 200);
            assertThat(upstream.awaitAbort(2000)).as("Stop cancelled the upstream call").isTrue();

            String error = out.get("error").asText();
            assertThat(error).as("the person is told when to come back")
                    .contains("HTTP 429", "limit for the day").containsPattern("Try again in about \\d+ min \\(at ([A-Z][a-z]{2} \\d{1,2}, )?\\d\\d:\\d\\d UTC\\)"); // the day too past midnight UTC
            // The wait is the reset less the time the page took to get there: bounded by the clock read around the run, not by its speed.
            int minutes = Integer.parseInt(error.replaceAll(".*in about (\\d+) min.*", "$1"));
            assertThat(minutes).isBetween((int) (((reset - end) / 1000 + 30) / 60), 60);
            assertThat(out.get("cutError").asText()).as("a cut reply is named as one")
                    .startsWith("stream error: The upstream reply was cut off").doesNotContain("JSON");
            assertThat(out.get("cellCode").asText()).isEqualTo("import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()");
            assertThat(out.get("cellOutput").asText()).contains("plotted 2 points");
            assertThat(out.get("cellHead").asText()).contains("ran in sbx_playground");
            assertThat(out.at("/cellImage/src").asText()).isEqualTo("data:image/png;base64,");
            assertThat(out.at("/cellImage/width").asInt()).as("the image decoded (CSP allows data: images)").isEqualTo(1);
            assertThat(out.get("codeTexts").toString()).isEqualTo("[\"Plotting.\\n\",\"Here is the line.\"]");
            assertThat(out.get("codeStats").asText()).contains("1 cell(s)", "finish: stop");
            assertThat(shots.resolve("playground-code.png")).isNotEmptyFile();
            assertThat(out.get("geminiReply").asText()).isEqualTo("Gemini-shaped hello.");
            assertThat(out.get("geminiStats").asText()).contains("first token", "tokens", "finish: STOP");
            assertThat(out.get("ollamaReply").asText()).isEqualTo("Hello from the Ollama door, 你好.");
            assertThat(out.get("ollamaStats").asText()).contains("first token", "tokens", "finish: stop");
            assertThat(out.get("phoneOverflow").asBoolean()).as("no sideways scrolling at phone width").isFalse();
            assertThat(shots.resolve("playground-desktop.png")).isNotEmptyFile();
            assertThat(shots.resolve("playground-phone-dark.png")).isNotEmptyFile();
            for (int i = 0; i < 4; i++) {
                assertThat(upstream.takeRequest().body().at("/config/maxTokens").asInt()).as("request %d", i + 1).isPositive();
            }
        }
    }
}
