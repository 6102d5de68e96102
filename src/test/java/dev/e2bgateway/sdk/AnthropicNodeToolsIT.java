package dev.e2bgateway.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.RunningGateway;
import dev.e2bgateway.support.Script;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static dev.e2bgateway.sdk.ModelReplies.FINAL;
import static dev.e2bgateway.sdk.ModelReplies.TWO_CALLS;
import static dev.e2bgateway.sdk.ModelReplies.WEATHER_CALL;
import static dev.e2bgateway.sdk.ModelReplies.twoCalls;
import static dev.e2bgateway.sdk.ModelReplies.weatherCallBlock;
import static dev.e2bgateway.sdk.ModelReplies.messages;
import static dev.e2bgateway.sdk.ModelReplies.result;
import static dev.e2bgateway.sdk.ModelReplies.weatherAnswered;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official `@anthropic-ai/sdk` npm package's tool use against the gateway
 * (src/test/node/anthropic-tools.mjs): tool_use blocks in both modes (the stream's
 * input_json_delta rebuilt by finalMessage()), text before a call, two parallel calls,
 * tool_result follow-ups, beta.messages.toolRunner's agent loop, and messages.parse() with
 * zodOutputFormat; here, what the upstream was sent for the follow-ups and the schema.
 */
class AnthropicNodeToolsIT {

    @RegisterExtension
    static final RunningGateway server = new RunningGateway();

    @Test
    void tool_use_tool_results_and_the_tool_runner_work_over_emulated_tool_calls() throws Exception {
        server.upstream.enqueue(Script.reply(WEATHER_CALL))               // create
                .enqueue(Script.reply(WEATHER_CALL).splitEvery(5))        // stream
                .enqueue(Script.reply(TWO_CALLS))                         // create, parallel
                .enqueue(Script.reply(TWO_CALLS).splitEvery(4))           // stream, parallel
                .enqueue(Script.reply(FINAL))                             // follow-up, string result
                .enqueue(Script.reply(FINAL))                             // follow-up, block results and an error
                .enqueue(Script.reply(WEATHER_CALL).splitEvery(9))        // toolRunner
                .enqueue(Script.reply(FINAL))
                .enqueue(Script.reply("{\"city\": \"Paris\", \"temperature\": 18.5, \"conditions\": [\"sunny\"]}"))   // parse
                .enqueue(Script.reply("Sunny, 18 °C."));

        JsonNode out = ModelReplies.runNode("anthropic-tools.mjs", server.gateway.baseUrl(), "claude-sonnet-4-5-20250929");

        for (int i = 0; i < 4; i++) assertThat(server.upstream.takeRequest().body().toString()).contains("get_weather", "get_time");

        List<String> followUp = messages(server.upstream.takeRequest().body());
        assertThat(followUp).containsExactlyElementsOf(weatherAnswered(out.get("streamedId").asText()));

        List<String> ids = List.of(out.at("/parallelIds/0").asText(), out.at("/parallelIds/1").asText());
        List<String> parallel = messages(server.upstream.takeRequest().body());
        assertThat(parallel).hasSize(3);
        assertThat(parallel.get(1)).isEqualTo("assistant: " + twoCalls(ids.get(0), ids.get(1)));
        assertThat(parallel.get(2)).isEqualTo("user: <tool_results>\n"
                + result(ids.get(0), "get_weather", "sunny\nwind 10 km/h") + "\n"
                + "<result call_id=\"" + ids.get(1) + "\" name=\"get_time\" error=\"true\">\nunknown time zone\n</result>\n"
                + "</tool_results>Summarise, please.");

        JsonNode runnerFirst = server.upstream.takeRequest().body();
        assertThat(runnerFirst.toString()).contains("get_weather");
        List<String> runnerSecond = messages(server.upstream.takeRequest().body());
        assertThat(runnerSecond).hasSize(3);
        assertThat(runnerSecond.get(2)).startsWith("user: <tool_results>\n<result call_id=\"toolu_").endsWith(
                " name=\"get_weather\">\n18 °C, sunny\n</result>\n</tool_results>");
        String runnerId = runnerSecond.get(2).substring("user: <tool_results>\n<result call_id=\"".length()).split("\"")[0];
        assertThat(runnerSecond.get(1)).isEqualTo("assistant: Let me check.\n" + weatherCallBlock(runnerId));
        assertThat(server.upstream.takeRequest().body().at("/config/system").asText()).as("the schema reaches the model")
                .contains("# Output format").contains("\"conditions\"");
        server.upstream.takeRequest();
        assertThat(out.at("/invalid/message").asText()).contains("not valid JSON");
        server.upstream.assertNoRequest();
    }
}
