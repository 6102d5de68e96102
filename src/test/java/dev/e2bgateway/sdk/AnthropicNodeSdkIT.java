package dev.e2bgateway.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.Script;
import org.junit.jupiter.api.Test;

import static dev.e2bgateway.sdk.ModelReplies.runNode;
import static org.assertj.core.api.Assertions.assertThat;

/** The official `@anthropic-ai/sdk` npm package against the running gateway. */
class AnthropicNodeSdkIT {

    @Test
    void the_anthropic_sdk_creates_streams_and_rebuilds_the_final_message() throws Exception {
        String reply = "From Claude's door: 你好 😀 \"ok\"\nline two.";
        try (FakeFragments upstream = new FakeFragments(); Gateway gateway = Gateway.start(upstream)) {
            upstream.fallback(Script.ok(Fragments.jsonAsciiEscaped("c", reply)).splitEvery(5));
            JsonNode out = runNode("anthropic-sdk.mjs", gateway.baseUrl(), "claude-sonnet-4-5-20250929");
            assertThat(out.get("created").asText()).isEqualTo(reply);
            assertThat(out.get("createdStop").asText()).isEqualTo("end_turn");
            assertThat(out.get("rawText").asText()).isEqualTo(reply);
            assertThat(out.get("rawEvents").get(0).asText()).isEqualTo("message_start");
            assertThat(out.get("rawEvents").get(out.get("rawEvents").size() - 1).asText()).isEqualTo("message_stop");
            assertThat(out.get("streamed").asText()).isEqualTo(reply);
            assertThat(out.get("streamedStop").asText()).isEqualTo("end_turn");
            assertThat(out.get("deltaCount").asInt()).isGreaterThan(3);
            assertThat(out.at("/usage/output_tokens").asInt()).isPositive();
            assertThat(out.at("/error/status").asInt()).isEqualTo(404);
            assertThat(out.at("/error/name").asText()).isEqualTo("NotFoundError");
            assertThat(out.at("/error/type").asText()).isEqualTo("not_found_error");
        }
    }
}
