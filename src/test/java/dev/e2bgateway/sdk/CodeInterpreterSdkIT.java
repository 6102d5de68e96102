package dev.e2bgateway.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCodeInterpreterToolCall;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseIncludable;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.Tool;
import dev.e2bgateway.support.Cells;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.RunningGateway;
import dev.e2bgateway.support.Script;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.e2bgateway.sdk.ModelReplies.runNode;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official clients with the built-in code interpreter against the gateway and its fake
 * sandbox: openai-java (typed items, validation on), the openai npm package, @anthropic-ai/sdk
 * with the code execution tool, the OpenAI Agents SDK's codeInterpreterTool, and the Vercel AI
 * SDK's openai.tools.codeInterpreter.
 */
class CodeInterpreterSdkIT {

    @RegisterExtension
    static final RunningGateway server = new RunningGateway(Map.of("E2B_CODE_INTERPRETER", "on"));
    static OpenAIClient client;

    static final String SBX = "sbx_sdk_1";
    static final String CALL = "Let me compute.\n<tool_calls>\n<invoke name=\"python\">\n<parameter name=\"code\">print(6*7)</parameter>\n"
            + "</invoke>\n</tool_calls>";
    static final String ANSWER = "The answer is 42.";

    @BeforeAll
    static void start() {
        client = OpenAiJava.clientFor(server.gateway).responseValidation(true).build();
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    /** One turn of the fake model and sandbox: a call of python, 42 printed, the answer; streamed in small pieces. */
    static void turns(int n) {
        for (int i = 0; i < n; i++) {
            server.upstream.enqueue(Script.ok(Fragments.jsonAsciiEscaped("c", CALL)).splitEvery(5));
            server.upstream.enqueueSandbox(Cells.printed(SBX, "42\n"));
            server.upstream.enqueue(Script.ok(Fragments.jsonAsciiEscaped("c", ANSWER)).splitEvery(5));
        }
    }

    static ResponseCreateParams params() {
        return ResponseCreateParams.builder().model("gpt-4o").input("What is 6 times 7?")
                .addCodeInterpreterTool(Tool.CodeInterpreter.Container.CodeInterpreterToolAuto.builder().build())
                .addInclude(ResponseIncludable.CODE_INTERPRETER_CALL_OUTPUTS).build();
    }

    static void assertCell(ResponseCodeInterpreterToolCall cell) {
        assertThat(cell.id()).startsWith("ci_");
        assertThat(cell.code()).contains("print(6*7)");
        assertThat(cell.containerId()).isEqualTo(SBX);
        assertThat(cell.status()).isEqualTo(ResponseCodeInterpreterToolCall.Status.COMPLETED);
        assertThat(cell.outputs().orElseThrow().get(0).asLogs().logs()).isEqualTo("42\n");
    }

    @Test
    void openai_java_gets_typed_code_interpreter_items_created_and_streamed() {
        turns(2);
        Response created = client.responses().create(params());
        assertThat(created.status()).contains(ResponseStatus.COMPLETED);
        List<ResponseOutputItem> output = created.output();
        assertThat(output).hasSize(3);
        assertThat(output.get(0).isMessage()).isTrue();
        assertCell(output.get(1).asCodeInterpreterCall());
        assertThat(output.get(2).asMessage().content().get(0).asOutputText().text()).isEqualTo(ANSWER);

        ResponseAccumulator accumulator = ResponseAccumulator.create();
        StringBuilder code = new StringBuilder();
        List<String> cellEvents = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(params())) {
            stream.stream().forEach(event -> {
                accumulator.accumulate(event);
                event.codeInterpreterCallCodeDelta().ifPresent(d -> code.append(d.delta()));
                if (event.isCodeInterpreterCallInProgress()) cellEvents.add("in_progress");
                if (event.isCodeInterpreterCallInterpreting()) cellEvents.add("interpreting");
                if (event.isCodeInterpreterCallCompleted()) cellEvents.add("completed");
            });
        }
        assertThat(code.toString()).isEqualTo("print(6*7)");
        assertThat(cellEvents).containsExactly("in_progress", "interpreting", "completed");
        Response streamed = accumulator.response();
        assertThat(streamed.output()).hasSize(3);
        assertCell(streamed.output().get(1).asCodeInterpreterCall());
        assertThat(streamed.output().get(2).asMessage().content().get(0).asOutputText().text()).isEqualTo(ANSWER);
    }

    @Test
    void the_openai_npm_package_creates_streams_and_continues_a_turn_with_a_cell() throws Exception {
        turns(2);
        server.upstream.enqueue(Script.reply("Doubled, 84."));
        JsonNode out = runNode("openai-code-interpreter.mjs", server.gateway.baseUrl() + "/v1", "gpt-4o");
        for (String mode : new String[]{"created", "streamed"}) {
            assertThat(out.get(mode + "Types").toString()).as(mode).isEqualTo("[\"message\",\"code_interpreter_call\",\"message\"]");
            assertThat(out.at("/" + mode + "Cell/code").asText()).isEqualTo("print(6*7)");
            assertThat(out.at("/" + mode + "Cell/container_id").asText()).isEqualTo(SBX);
            assertThat(out.at("/" + mode + "Cell/outputs/0/logs").asText()).isEqualTo("42\n");
            assertThat(out.get(mode + "Text").asText()).isEqualTo("Let me compute.\n" + ANSWER);
        }
        assertThat(out.get("eventTypes").toString()).contains("response.code_interpreter_call.in_progress",
                "response.code_interpreter_call_code.delta", "response.code_interpreter_call_code.done",
                "response.code_interpreter_call.interpreting", "response.code_interpreter_call.completed");
        assertThat(out.get("code").asText()).isEqualTo("print(6*7)");
        assertThat(out.get("continued").asText()).isEqualTo("Doubled, 84.");
        for (int i = 0; i < 4; i++) server.upstream.takeRequest();
        assertThat(server.upstream.takeRequest().body().get("messages").toString()).contains("print(6*7)", "42", "And doubled?");
    }

    @Test
    void the_anthropic_sdk_gets_server_tool_use_and_code_execution_results_in_both_modes() throws Exception {
        turns(2);
        JsonNode out = runNode("anthropic-code-execution.mjs", server.gateway.baseUrl(), "claude-sonnet-4-5-20250929");
        for (String mode : new String[]{"created", "streamed"}) {
            assertThat(out.get(mode).toString()).as(mode).isEqualTo("[\"text\",\"server_tool_use\",\"code_execution_tool_result\",\"text\"]");
            assertThat(out.at("/" + mode + "Use/name").asText()).isEqualTo("code_execution");
            assertThat(out.at("/" + mode + "Use/input/code").asText()).isEqualTo("print(6*7)");
            assertThat(out.at("/" + mode + "Result/tool_use_id").asText()).isEqualTo(out.at("/" + mode + "Use/id").asText());
            assertThat(out.at("/" + mode + "Result/content/type").asText()).isEqualTo("code_execution_result");
            assertThat(out.at("/" + mode + "Result/content/stdout").asText()).isEqualTo("42\n");
            assertThat(out.at("/" + mode + "Result/content/return_code").asInt()).isZero();
            assertThat(out.get(mode + "Stop").asText()).isEqualTo("end_turn");
        }
        assertThat(out.get("blockTypes").toString()).isEqualTo("[\"text\",\"server_tool_use\",\"code_execution_tool_result\",\"text\"]");
        assertThat(out.get("text").asText()).isEqualTo("Let me compute.\n" + ANSWER);
    }

    @Test
    void an_agents_sdk_agent_with_the_code_interpreter_tool_runs_cells_and_continues_from_its_history() throws Exception {
        server.upstream.enqueue(Script.ok(Fragments.jsonAsciiEscaped("c", CALL)).splitEvery(5));
        server.upstream.enqueueSandbox(Script.status(500, ""));
        server.upstream.enqueue(Script.reply(ANSWER));
        turns(1);
        server.upstream.enqueue(Script.reply("Doubled, 84."));
        JsonNode out = runNode("agents-code-interpreter.mjs", server.gateway.baseUrl() + "/v1", "gpt-4o");
        assertThat(out.get("final").asText()).contains(ANSWER);
        assertThat(out.get("items").toString()).contains("tool_call_item");
        assertThat(out.get("hosted").toString()).contains("print(6*7)");
        assertThat(out.get("streamedFinal").asText()).contains(ANSWER);
        assertThat(out.get("streamedHosted").toString()).contains("print(6*7)");
        assertThat(out.get("continued").asText()).isEqualTo("Doubled, 84.");
        for (int i = 0; i < 4; i++) server.upstream.takeRequest();
        String history = server.upstream.takeRequest().body().get("messages").toString();
        assertThat(history).contains("print(6*7)", "42", "And doubled?");
    }

    @Test
    void the_vercel_ai_sdk_code_interpreter_tool_shows_the_provider_executed_cell() throws Exception {
        turns(2);
        JsonNode out = runNode("ai-sdk-code-interpreter.mjs", server.gateway.baseUrl() + "/v1", "gpt-4o");
        assertThat(out.get("errors")).as(out.toString()).isEmpty();
        for (String mode : new String[]{"", "streamed"}) {
            String parts = mode.isEmpty() ? "parts" : "streamedParts";
            assertThat(out.get(mode.isEmpty() ? "text" : "streamedText").asText()).as(out.toString()).contains(ANSWER);
            assertThat(out.get(mode.isEmpty() ? "finish" : "streamedFinish").asText()).isEqualTo("stop");
            JsonNode call = out.get(parts).get(0);
            assertThat(call.get("type").asText()).isEqualTo("tool-call");
            assertThat(call.get("toolName").asText()).isEqualTo("code_interpreter");
            assertThat(call.get("providerExecuted").asBoolean()).isTrue();
            assertThat(call.at("/input/code").asText()).isEqualTo("print(6*7)");
            JsonNode cellResult = out.get(parts).get(1);
            assertThat(cellResult.get("type").asText()).isEqualTo("tool-result");
            assertThat(cellResult.at("/output/outputs/0/logs").asText()).isEqualTo("42\n");
        }
    }
}
