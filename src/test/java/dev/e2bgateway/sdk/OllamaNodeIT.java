package dev.e2bgateway.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.RunningGateway;
import dev.e2bgateway.support.Script;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static dev.e2bgateway.sdk.ModelReplies.FINAL;
import static dev.e2bgateway.sdk.ModelReplies.WEATHER_CALL;
import static dev.e2bgateway.sdk.ModelReplies.messages;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official `ollama` npm library against the Ollama door (src/test/node/ollama.mjs): chat,
 * streamed chat and generate, a tool call and the library's round trip with a tool turn, a call
 * streamed, a format schema, an image as bytes, list, show, version, ps, and errors as the
 * library's ResponseError.
 */
class OllamaNodeIT {

    static final String REPLY = "From Ollama's library: 你好 😀 \"ok\"\nline two.";

    @RegisterExtension
    static final RunningGateway server = new RunningGateway(Map.of("E2B_OLLAMA", "on"));

    @Test
    void the_ollama_library_chats_streams_calls_tools_and_lists_models() throws Exception {
        server.upstream.enqueue(Script.ok(Fragments.jsonAsciiEscaped("c", REPLY)))      // chat
                .enqueue(Script.ok(Fragments.jsonAsciiEscaped("c", REPLY)).splitEvery(5)) // chat, streamed
                .enqueue(Script.ok(Fragments.json("c", REPLY)).splitEvery(3))            // generate, streamed
                .enqueue(Script.reply(WEATHER_CALL))                                      // the call
                .enqueue(Script.reply(FINAL))                                             // its result
                .enqueue(Script.reply(WEATHER_CALL).splitEvery(7))                        // the call, streamed
                .enqueue(Script.reply("{\"city\": \"Paris\", \"temperature\": 18.5}"))    // format
                .enqueue(Script.reply("A single pixel."));                                // image

        JsonNode out = ModelReplies.runNode("ollama.mjs", server.gateway.baseUrl(), "gpt-4o");

        assertThat(out.get("chat").asText()).isEqualTo(REPLY);
        assertThat(out.get("chatDone").asText()).isEqualTo("stop");
        assertThat(out.get("evalCount").asInt()).isPositive();
        assertThat(out.get("streamed").asText()).isEqualTo(REPLY);
        assertThat(out.get("pieceCount").asInt()).isGreaterThan(3);
        assertThat(out.at("/last/done").asBoolean()).isTrue();
        assertThat(out.at("/last/done_reason").asText()).isEqualTo("stop");
        assertThat(out.at("/last/total_duration").asLong()).isPositive();
        assertThat(out.get("generated").asText()).isEqualTo(REPLY);

        assertThat(out.at("/call/function/name").asText()).isEqualTo("get_weather");
        assertThat(out.at("/call/function/arguments").toString()).isEqualTo("{\"city\":\"Paris\",\"days\":3}");
        assertThat(out.get("answered").asText()).isEqualTo(FINAL);
        assertThat(out.at("/streamedCalls/0/function/arguments/city").asText()).isEqualTo("Paris");
        assertThat(out.at("/structured/temperature").asDouble()).isEqualTo(18.5);
        assertThat(out.get("seen").asText()).isEqualTo("A single pixel.");

        assertThat(out.get("models").toString()).contains("\"gpt-4o\"");
        assertThat(out.get("capabilities").toString()).isEqualTo("[\"completion\",\"tools\",\"vision\"]");
        assertThat(out.get("version").asText()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(out.get("ps")).isEmpty();
        assertThat(out.at("/error/name").asText()).isEqualTo("ResponseError");
        assertThat(out.at("/error/status").asInt()).isEqualTo(404);
        assertThat(out.at("/error/message").asText()).contains("'no-such-model' not found");
        assertThat(out.at("/pullError/status").asInt()).isEqualTo(403);

        for (int i = 0; i < 3; i++) server.upstream.takeRequest();
        assertThat(server.upstream.takeRequest().body().at("/config/system").asText()).contains("get_weather");
        // The library sends the call back as it got it, with the gateway's id for it; the tool turn pairs with it by name.
        String id = out.at("/call/id").asText();
        assertThat(id).startsWith("call_");
        List<String> followUp = messages(server.upstream.takeRequest().body());
        assertThat(followUp).containsExactlyElementsOf(ModelReplies.weatherAnswered(id));
        server.upstream.takeRequest();
        assertThat(server.upstream.takeRequest().body().at("/config/system").asText()).contains("\"temperature\"");
        assertThat(server.upstream.takeRequest().body().at("/messages/0/content/1/image").asText()).startsWith("data:image/png;base64,");
        server.upstream.assertNoRequest();
    }
}
