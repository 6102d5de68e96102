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

/** The official `openai` npm package (Node.js) against the running gateway. */
class OpenAiNodeSdkIT {

    @Test
    void the_node_sdk_completes_streams_and_rebuilds_the_final_completion() throws Exception {
        String reply = "From Node: 你好 😀 \"ok\"\nline two.";
        try (FakeFragments upstream = new FakeFragments(); Gateway gateway = Gateway.start(upstream)) {
            upstream.fallback(Script.ok(Fragments.jsonAsciiEscaped("c", reply)).splitEvery(5));
            JsonNode out = runNode("openai-sdk.mjs", gateway.baseUrl() + "/v1", "gpt-4o");
            assertThat(out.get("created").asText()).isEqualTo(reply);
            assertThat(out.get("streamed").asText()).isEqualTo(reply);
            assertThat(out.get("rawText").asText()).isEqualTo(reply);
            assertThat(out.get("finishReason").asText()).isEqualTo("stop");
            assertThat(out.get("deltaCount").asInt()).isGreaterThan(3);
            assertThat(out.at("/usage/total_tokens").asInt()).isPositive();
            assertThat(out.at("/error/status").asInt()).isEqualTo(404);
            assertThat(out.at("/error/name").asText()).isEqualTo("NotFoundError");
            assertThat(out.at("/error/requestID").asText()).startsWith("req_");
        }
    }
}
