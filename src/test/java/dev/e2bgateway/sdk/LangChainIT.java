package dev.e2bgateway.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.RunningGateway;
import dev.e2bgateway.support.Script;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.e2bgateway.sdk.ModelReplies.FINAL;
import static dev.e2bgateway.sdk.ModelReplies.TWO_CALLS;
import static dev.e2bgateway.sdk.ModelReplies.WEATHER_CALL;
import static dev.e2bgateway.sdk.ModelReplies.messages;
import static dev.e2bgateway.sdk.ModelReplies.weatherAnswered;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * LangChain JS (`@langchain/openai` ChatOpenAI, src/test/node/langchain.mjs): bindTools + invoke returns
 * an AIMessage whose tool_calls carry name, args and a call_ id; a ToolMessage follow-up gets the final
 * text; streamed chunks concatenate into the same calls; withStructuredOutput parses a schema reply.
 */
class LangChainIT {

    @RegisterExtension
    static final RunningGateway server = new RunningGateway();

    @Test
    void bind_tools_invoke_stream_and_structured_output_work_over_emulated_tool_calls() throws Exception {
        server.upstream.enqueue(Script.reply(WEATHER_CALL))               // invoke
                .enqueue(Script.reply(FINAL))                             // follow-up with the ToolMessage
                .enqueue(Script.reply(TWO_CALLS).splitEvery(5))           // stream
                .enqueue(Script.reply("{\"city\": \"Paris\", \"temperature\": 18.5, \"conditions\": [\"sunny\"]}"));

        JsonNode out = ModelReplies.runNode("langchain.mjs", server.gateway.baseUrl() + "/v1", "gpt-4o");

        assertThat(server.upstream.takeRequest().body().toString()).contains("get_weather", "get_time");
        assertThat(messages(server.upstream.takeRequest().body())).containsExactlyElementsOf(weatherAnswered(out.get("callId").asText()));
        server.upstream.takeRequest();
        assertThat(server.upstream.takeRequest().body().toString()).as("the schema reaches the model").contains("temperature");
        server.upstream.assertNoRequest();
    }
}
