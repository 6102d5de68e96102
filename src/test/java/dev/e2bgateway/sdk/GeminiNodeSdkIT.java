package dev.e2bgateway.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.Script;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.e2bgateway.sdk.ModelReplies.runNode;
import static org.assertj.core.api.Assertions.assertThat;

/** Google's `@google/genai` npm package against the Gemini door (src/test/node/gemini-sdk.mjs). */
class GeminiNodeSdkIT {

    static final String REPLY = "From Node: 你好 😀 \"ok\"\nline two.";
    static final String TWO_CALLS = "<tool_calls>\n<invoke name=\"get_weather\">\n<parameter name=\"city\">Oslo</parameter>\n</invoke>\n"
            + "<invoke name=\"get_time\">\n<parameter name=\"zone\">Europe/Oslo</parameter>\n</invoke>\n</tool_calls>";

    @Test
    void the_google_genai_package_generates_streams_calls_tools_and_reads_errors() throws Exception {
        try (FakeFragments upstream = new FakeFragments(); Gateway gateway = Gateway.start(upstream, Map.of("E2B_GEMINI_MODEL", "gpt-4o"))) {
            upstream.enqueue(Script.ok(Fragments.json("c", REPLY)))
                    .enqueue(Script.ok(Fragments.jsonAsciiEscaped("c", REPLY)).splitEvery(3))
                    .enqueue(Script.ok(Fragments.json("c", TWO_CALLS)))
                    .enqueue(Script.reply("3 C and snow; it is noon."))
                    .enqueue(Script.reply("{\"city\":\"Oslo\",\"temp\":3}"))
                    .enqueue(Script.reply("A red pixel."))
                    .enqueue(Script.reply("any name answers")) // E2B_GEMINI_MODEL: the unknown name goes to gpt-4o
                    .enqueue(Script.status(429, "You have reached your request limit for the day."))
                    .enqueue(Script.status(500, ""));
            JsonNode out = runNode("gemini-sdk.mjs", gateway.baseUrl(), "gemini-2.5-flash");
            assertThat(out.get("generated").asText()).as(out.toString()).isEqualTo(REPLY);
            assertThat(out.get("modelVersion").asText()).isEqualTo("gpt-4o");
            assertThat(out.get("finishReason").asText()).isEqualTo("STOP");
            assertThat(out.get("totalTokens").asInt()).isPositive();
            assertThat(out.get("streamed").asText()).isEqualTo(REPLY);
            assertThat(out.get("chunks").asInt()).isGreaterThan(2);
            assertThat(out.get("streamedFinish").asText()).isEqualTo("STOP");
            assertThat(out.get("countedTokens").asInt()).isPositive();
            assertThat(out.get("listed").asInt()).isPositive();
            assertThat(out.get("firstModel").asText()).startsWith("models/");
            assertThat(out.at("/calls/0/args").toString()).isEqualTo("{\"city\":\"Oslo\"}");
            assertThat(out.at("/calls/1/args").toString()).isEqualTo("{\"zone\":\"Europe/Oslo\"}");
            assertThat(out.get("answered").asText()).isEqualTo("3 C and snow; it is noon.");
            assertThat(out.at("/structured/temp").asInt()).isEqualTo(3);
            assertThat(out.get("image").asText()).isEqualTo("A red pixel.");
            assertThat(out.at("/unauthorized/status").asInt()).isEqualTo(401);
            assertThat(out.at("/limited/status").asInt()).isEqualTo(429);
            assertThat(out.at("/failed/status").asInt()).isEqualTo(500);
            assertThat(out.at("/unknownModel/status").asText()).as("with E2B_GEMINI_MODEL every name answers").isEqualTo("no error");

            for (int i = 0; i < 3; i++) upstream.takeRequest();
            JsonNode messages = upstream.takeRequest().body().get("messages");
            String id0 = out.at("/calls/0/id").asText();
            String id1 = out.at("/calls/1/id").asText();
            assertThat(messages.at("/1/content/0/text").asText()).contains("id=\"" + id0 + "\"", "id=\"" + id1 + "\"");
            String results = messages.at("/2/content/0/text").asText();
            assertThat(results.indexOf(id0)).as("results in the calls' order").isNotNegative().isLessThan(results.indexOf(id1));
        }
    }

    @Test
    void without_a_model_rule_an_unknown_gemini_name_is_a_404_the_sdk_reads() throws Exception {
        try (FakeFragments upstream = new FakeFragments(); Gateway gateway = Gateway.start(upstream)) {
            upstream.enqueue(Script.ok(Fragments.json("c", REPLY))).enqueue(Script.ok(Fragments.json("c", REPLY)))
                    .enqueue(Script.ok(Fragments.json("c", TWO_CALLS))).enqueue(Script.reply("ok"))
                    .enqueue(Script.reply("{\"city\":\"Oslo\",\"temp\":3}")).enqueue(Script.reply("A red pixel."))
                    .enqueue(Script.status(429, "limit")).enqueue(Script.status(500, ""));
            JsonNode out = runNode("gemini-sdk.mjs", gateway.baseUrl(), "gpt-4o");
            assertThat(out.get("modelVersion").asText()).as(out.toString()).isEqualTo("gpt-4o");
            assertThat(out.at("/unknownModel/status").asInt()).isEqualTo(404);
            assertThat(out.at("/unknownModel/message").asText()).contains("no-such-model-anywhere");
        }
    }
}
