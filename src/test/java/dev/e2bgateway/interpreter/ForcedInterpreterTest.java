package dev.e2bgateway.interpreter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.Cells;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.RunningGateway;
import dev.e2bgateway.support.Script;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tool_choice that forces the built-in interpreter beside the client's own tools, in every
 * endpoint of both dialects that have it, streamed or not: the first reply must call the
 * interpreter, and the counting endpoints count what the chat sends (the interpreter's tool too).
 */
class ForcedInterpreterTest {

    @RegisterExtension
    static final RunningGateway server = new RunningGateway(Map.of("E2B_CODE_INTERPRETER", "on", "E2B_SANDBOX_TIMEOUT_MS", "5000"));

    static final String SBX = "sbx_forced";
    static final String RESPONSES = "{\"model\":\"gpt-4o\",\"input\":\"What is 6 times 7?\",\"store\":false,\"tool_choice\":{\"type\":\"code_interpreter\"},"
            + "\"tools\":[{\"type\":\"code_interpreter\",\"container\":{\"type\":\"auto\"}},{\"type\":\"function\",\"name\":\"get_weather\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}]";
    static final String MESSAGES = "{\"model\":\"claude-sonnet-4-5-20250929\",\"messages\":[{\"role\":\"user\",\"content\":\"What is 6 times 7?\"}],"
            + "\"tool_choice\":{\"type\":\"tool\",\"name\":\"code_execution\"},\"tools\":[{\"type\":\"code_execution_20250522\",\"name\":\"code_execution\"},"
            + "{\"type\":\"custom\",\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}]";

    static String post(String path, String body) throws IOException {
        Request request = server.gateway.request(path).post(RequestBody.create(body, MediaType.get("application/json"))).build();
        try (Response r = server.gateway.http.newCall(request).execute()) {
            String text = r.body().string();
            assertThat(r.code()).as(path + ": " + text).isEqualTo(200);
            return text;
        }
    }

    static void turn() {
        server.upstream.enqueue(Script.ok(Fragments.json("Computing.", "<tool_calls>\n<invoke name=\"python\">\n<parameter name=\"code\">print(6*7)"
                + "</parameter>\n</invoke>\n</tool_calls>")));
        server.upstream.enqueueSandbox(Cells.printed(SBX, "42\n"));
        server.upstream.enqueue(Script.ok(Fragments.json("Answering.", "It is 42.")));
    }

    /** The first upstream request forced python beside get_weather; the second was free; its prompt tokens as the chat counted them. */
    static void assertForcedThenFree() {
        String first = server.upstream.takeRequest().body().at("/config/system").asText();
        assertThat(first).contains("### python", "must call the tool python");
        assertThat(server.upstream.takeRequest().body().at("/config/system").asText()).contains("### python", "### get_weather")
                .doesNotContain("must call the tool python");
        server.upstream.takeSandboxRequest();
    }

    @Test
    void responses_force_the_interpreter_beside_a_function_streamed_or_not_and_input_tokens_agree_with_usage() throws IOException {
        turn();
        JsonNode r = Gateway.json(post("/v1/responses", RESPONSES + "}"));
        assertThat(r.get("output").findValuesAsText("type")).contains("code_interpreter_call");
        assertThat(r.get("output_text").asText()).isEqualTo("It is 42.");
        assertForcedThenFree();
        turn();
        assertThat(post("/v1/responses", RESPONSES + ",\"stream\":true}")).contains("response.code_interpreter_call.completed", "It is 42.");
        assertForcedThenFree();
        // A turn of one reply (a model that answered without the code it was told to write): its usage is what input_tokens counts.
        server.upstream.enqueue(Script.ok(Fragments.json("Answering.", "It is 42.")));
        int used = Gateway.json(post("/v1/responses", RESPONSES + "}")).at("/usage/input_tokens").asInt();
        server.upstream.takeRequest();
        assertThat(Gateway.json(post("/v1/responses/input_tokens", RESPONSES + "}")).get("input_tokens").asInt()).isEqualTo(used);
        server.upstream.assertNoRequest();
    }

    @Test
    void messages_force_code_execution_beside_a_custom_tool_streamed_or_not_and_count_tokens_works() throws IOException {
        turn();
        JsonNode m = Gateway.json(post("/v1/messages", MESSAGES + ",\"max_tokens\":500}"));
        assertThat(m.get("content").findValuesAsText("type")).containsSubsequence("server_tool_use", "code_execution_tool_result");
        assertThat(m.get("stop_reason").asText()).isEqualTo("end_turn");
        assertForcedThenFree();
        turn();
        assertThat(post("/v1/messages", MESSAGES + ",\"max_tokens\":500,\"stream\":true}")).contains("code_execution_tool_result", "It is 42.");
        assertForcedThenFree();
        server.upstream.enqueue(Script.ok(Fragments.json("Answering.", "It is 42.")));
        int used = Gateway.json(post("/v1/messages", MESSAGES + ",\"max_tokens\":500}")).at("/usage/input_tokens").asInt();
        server.upstream.takeRequest();
        assertThat(Gateway.json(post("/v1/messages/count_tokens", MESSAGES + "}")).get("input_tokens").asInt()).isEqualTo(used);
        server.upstream.assertNoRequest();
    }
}
