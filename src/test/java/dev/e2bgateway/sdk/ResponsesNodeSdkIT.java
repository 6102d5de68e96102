package dev.e2bgateway.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.Node;
import dev.e2bgateway.support.Script;
import org.junit.jupiter.api.Test;

import static dev.e2bgateway.sdk.ModelReplies.runNode;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JavaScript clients of the Responses API against the gateway: the `openai` npm package, the
 * Vercel AI SDK's `openai.responses(...)`, and the OpenAI Agents SDK running an agent with a tool.
 */
class ResponsesNodeSdkIT {

    static final String REPLY = "From Node: 你好 😀 \"ok\"\nline two.";
    static final String CALL = "<tool_calls>\n<invoke name=\"get_weather\">\n<parameter name=\"city\">%s</parameter>\n</invoke>\n</tool_calls>";

    static Script streamed(String reply) {
        return Script.ok(Fragments.jsonAsciiEscaped("c", reply)).splitEvery(5);
    }

    @Test
    void the_openai_package_creates_streams_and_round_trips_a_function_call() throws Exception {
        try (FakeFragments upstream = new FakeFragments(); Gateway gateway = Gateway.start(upstream)) {
            upstream.enqueue(streamed(REPLY)).enqueue(streamed(REPLY)).enqueue(streamed(String.format(CALL, "Paris")))
                    .enqueue(Script.reply("It is 18 C.")).enqueue(Script.reply("Still 18 C."));
            JsonNode out = runNode("openai-responses.mjs", gateway.baseUrl() + "/v1", "gpt-4o");
            assertThat(out.path("created").asText()).as(out.toString()).isEqualTo(REPLY);
            assertThat(out.get("createdStatus").asText()).isEqualTo("completed");
            assertThat(out.get("streamed").asText()).isEqualTo(REPLY);
            assertThat(out.get("streamedStatus").asText()).isEqualTo("completed");
            assertThat(out.get("deltas").asText()).isEqualTo(REPLY);
            assertThat(out.get("deltaCount").asInt()).isGreaterThan(3);
            assertThat(out.at("/usage/total_tokens").asInt()).isPositive();
            assertThat(out.at("/call/name").asText()).isEqualTo("get_weather");
            assertThat(out.at("/call/arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
            assertThat(out.get("answered").asText()).isEqualTo("It is 18 C.");
            assertThat(out.get("continued").asText()).isEqualTo("Still 18 C.");
            assertThat(out.get("retrievedId").asBoolean()).isTrue();
            assertThat(out.at("/error/status").asInt()).isEqualTo(404);
            assertThat(out.at("/error/name").asText()).isEqualTo("NotFoundError");

            for (int i = 0; i < 3; i++) upstream.takeRequest();
            String callId = out.at("/call/callId").asText();
            for (int i = 0; i < 2; i++) {
                JsonNode messages = upstream.takeRequest().body().get("messages");
                assertThat(messages).hasSize(3);
                assertThat(messages.at("/1/content/0/text").asText()).contains("<invoke name=\"get_weather\" id=\"" + callId + "\">");
                assertThat(messages.at("/2/content/0/text").asText()).contains("call_id=\"" + callId + "\"", "18 C, sunny");
            }
        }
    }

    @Test
    void the_vercel_ai_sdk_generates_streams_and_runs_a_tool_over_stored_items() throws Exception {
        try (FakeFragments upstream = new FakeFragments(); Gateway gateway = Gateway.start(upstream)) {
            upstream.enqueue(streamed(REPLY)).enqueue(streamed(REPLY)).enqueue(streamed("Checking.\n" + String.format(CALL, "Paris")))
                    .enqueue(streamed("It is 18 C in Paris."));
            JsonNode out = runNode("ai-sdk-responses.mjs", gateway.baseUrl() + "/v1", "gpt-4o");
            assertThat(out.get("generated").asText()).isEqualTo(REPLY);
            assertThat(out.get("generatedFinish").asText()).isEqualTo("stop");
            assertThat(out.at("/usage/outputTokens").asInt()).isPositive();
            assertThat(out.get("streamed").asText()).isEqualTo(REPLY);
            assertThat(out.get("streamedFinish").asText()).isEqualTo("stop");
            assertThat(out.get("streamErrors")).isEmpty();
            assertThat(out.get("partCount").asInt()).isGreaterThan(3);
            assertThat(out.get("calls").toString()).isEqualTo("[\"Paris\"]");
            assertThat(out.get("steps").asInt()).isEqualTo(2);
            assertThat(out.get("firstStepFinish").asText()).isEqualTo("tool-calls");
            assertThat(out.get("final").asText()).isEqualTo("It is 18 C in Paris.");
            assertThat(out.get("lastInputTypes").toString()).as("the SDK referred to the stored message by id")
                    .isEqualTo("[\"user\",\"item_reference\",\"function_call\",\"function_call_output\"]");

            for (int i = 0; i < 3; i++) upstream.takeRequest();
            JsonNode messages = upstream.takeRequest().body().get("messages");
            assertThat(messages.at("/1/content/0/text").asText()).as("the referenced items were found")
                    .startsWith("Checking.\n<tool_calls>").contains("<parameter name=\"city\">Paris</parameter>");
            assertThat(messages.at("/2/content/0/text").asText()).contains("18 C in Paris");
        }
    }

    @Test
    void the_agents_sdk_runs_an_agent_with_a_function_tool() throws Exception {
        try (FakeFragments upstream = new FakeFragments(); Gateway gateway = Gateway.start(upstream)) {
            upstream.enqueue(Script.reply(String.format(CALL, "Paris"))).enqueue(Script.reply("Sunny, 18 C in Paris."))
                    .enqueue(streamed(String.format(CALL, "Rome"))).enqueue(streamed("Warm, 24 C in Rome."));
            JsonNode out = runNode("agents-responses.mjs", gateway.baseUrl() + "/v1", "gpt-4o");
            assertThat(out.get("final").asText()).isEqualTo("Sunny, 18 C in Paris.");
            assertThat(out.get("cities").toString()).isEqualTo("[\"Paris\",\"Rome\"]");
            assertThat(out.get("items").toString()).contains("tool_call_item", "tool_call_output_item", "message_output_item");
            assertThat(out.get("streamedFinal").asText()).isEqualTo("Warm, 24 C in Rome.");
            assertThat(out.get("deltas").asText()).isEqualTo("Warm, 24 C in Rome.");

            upstream.takeRequest();
            JsonNode second = upstream.takeRequest().body();
            assertThat(second.at("/config/system").asText()).contains("Answer with the weather.", "get_weather");
            assertThat(second.at("/messages/2/content/0/text").asText()).contains("18 C in Paris");
        }
    }
}
