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
import static dev.e2bgateway.sdk.ModelReplies.messages;
import static dev.e2bgateway.sdk.ModelReplies.weatherAnswered;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official `openai` npm package's tool helpers against the gateway (src/test/node/openai-tools.mjs):
 * runTools runs the function and carries its result into a second request (both modes),
 * chat.completions.stream rebuilds two parallel calls, parse() binds a zodFunction's arguments
 * and a zodResponseFormat reply, and reports a reply off the schema as the gateway's 502.
 */
class OpenAiNodeToolsIT {

    static final String FORECAST = "{\"city\": \"Paris\", \"temperature\": 18.5, \"conditions\": [\"sunny\"]}";

    @RegisterExtension
    static final RunningGateway server = new RunningGateway();

    @Test
    void run_tools_stream_and_parse_work_over_emulated_tool_calls() throws Exception {
        server.upstream.enqueue(Script.reply(WEATHER_CALL))               // runTools
                .enqueue(Script.reply(FINAL))
                .enqueue(Script.reply(WEATHER_CALL).splitEvery(6))        // runTools, streaming
                .enqueue(Script.reply(FINAL).splitEvery(4))
                .enqueue(Script.reply(TWO_CALLS).splitEvery(5))           // stream with tools
                .enqueue(Script.reply(WEATHER_CALL))                      // parse with a zodFunction
                .enqueue(Script.reply(FORECAST))                          // parse with zodResponseFormat
                .enqueue(Script.reply("{\"city\": \"Paris\", \"temperature\": \"mild\"}"))
                .enqueue(Script.reply("```json\n" + FORECAST + "\n```").splitEvery(3));

        JsonNode out = ModelReplies.runNode("openai-tools.mjs", server.gateway.baseUrl() + "/v1", "gpt-4o");

        for (String callId : List.of(out.get("runToolsCallId").asText(), out.get("streamingRunToolsCallId").asText())) {
            assertThat(server.upstream.takeRequest().body().toString()).contains("get_weather");
            assertThat(messages(server.upstream.takeRequest().body())).containsExactlyElementsOf(weatherAnswered(callId));
        }
        for (int i = 0; i < 5; i++) server.upstream.takeRequest();
        server.upstream.assertNoRequest();
        assertThat(out.at("/invalid/message").asText()).contains("does not match the schema");
    }
}
