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
import static dev.e2bgateway.sdk.ModelReplies.messages;
import static dev.e2bgateway.sdk.ModelReplies.result;
import static dev.e2bgateway.sdk.ModelReplies.weatherAnswered;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Vercel AI SDK (`ai` 7 with `@ai-sdk/openai-compatible`, src/test/node/ai-sdk.mjs): generateText
 * and streamText run zod-typed tools in a multi-step loop over the gateway's chat completions; here,
 * that each second step sent the calls and their results back to the model.
 */
class AiSdkIT {

    @RegisterExtension
    static final RunningGateway server = new RunningGateway();

    @Test
    void generate_text_and_stream_text_run_tools_over_several_steps() throws Exception {
        server.upstream.enqueue(Script.reply(WEATHER_CALL))               // generateText
                .enqueue(Script.reply(FINAL))
                .enqueue(Script.reply(TWO_CALLS).splitEvery(5))           // streamText
                .enqueue(Script.reply(FINAL).splitEvery(3));

        JsonNode out = ModelReplies.runNode("ai-sdk.mjs", server.gateway.baseUrl() + "/v1", "gpt-4o");

        assertThat(server.upstream.takeRequest().body().toString()).contains("get_weather", "get_time");
        assertThat(messages(server.upstream.takeRequest().body())).containsExactlyElementsOf(weatherAnswered(out.get("generatedCallId").asText()));

        server.upstream.takeRequest();
        List<String> ids = List.of(out.at("/streamedCallIds/0").asText(), out.at("/streamedCallIds/1").asText());
        assertThat(messages(server.upstream.takeRequest().body())).containsExactly(
                "user: What is the weather in Paris?",
                "assistant: " + twoCalls(ids.get(0), ids.get(1)),
                "user: <tool_results>\n" + result(ids.get(0), "get_weather", "18 °C, sunny") + "\n"
                        + result(ids.get(1), "get_time", "12:00") + "\n</tool_results>");
        server.upstream.assertNoRequest();
    }
}
