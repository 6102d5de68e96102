package dev.e2bgateway.interpreter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one turn of the code interpreter may spend (docs/code-interpreter.md, "Budgets"): cells per
 * turn, output kept per cell and per turn, and what a continued conversation resends of a cell.
 */
class InterpreterBudgetTest {

    static final int CELL_CHARS = 50_000;
    static final int TURN_CHARS = 120_000;

    @RegisterExtension
    static final RunningGateway server = new RunningGateway(Map.of("E2B_CODE_INTERPRETER", "on", "E2B_SANDBOX_TIMEOUT_MS", "5000",
            "E2B_INTERPRETER_CELL_OUTPUT_CHARS", String.valueOf(CELL_CHARS), "E2B_INTERPRETER_TURN_OUTPUT_CHARS", String.valueOf(TURN_CHARS)));

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SBX = "sbx_budget";

    /** A model reply calling the interpreter once per code. */
    static Script calling(String text, List<String> codes) {
        StringBuilder reply = new StringBuilder(text).append("\n<tool_calls>\n");
        for (String code : codes) {
            reply.append("<invoke name=\"python\">\n<parameter name=\"code\">").append(code).append("</parameter>\n</invoke>\n");
        }
        return Script.ok(Fragments.json("Running code.", reply.append("</tool_calls>").toString()));
    }

    static Script answer(String text) {
        return Script.ok(Fragments.json("Answering.", text));
    }

    static List<String> cells(int n) {
        List<String> codes = new ArrayList<>();
        for (int i = 1; i <= n; i++) codes.add("print(" + i + ")");
        return codes;
    }

    static JsonNode post(String path, String body) throws IOException {
        Request request = server.gateway.request(path).post(RequestBody.create(body, MediaType.get("application/json"))).build();
        try (Response r = server.gateway.http.newCall(request).execute()) {
            String text = r.body().string();
            assertThat(r.code()).as(text).isEqualTo(200);
            return Gateway.json(text);
        }
    }

    static String responses(String input, String extra) {
        return "{\"model\":\"gpt-4o\",\"input\":" + input + ",\"store\":false,\"include\":[\"code_interpreter_call.outputs\"],"
                + "\"tools\":[{\"type\":\"code_interpreter\",\"container\":{\"type\":\"auto\"}}]" + (extra == null ? "" : "," + extra) + "}";
    }

    static List<JsonNode> cellItems(JsonNode response) {
        List<JsonNode> cells = new ArrayList<>();
        for (JsonNode item : response.get("output")) if (item.get("type").asText().equals("code_interpreter_call")) cells.add(item);
        return cells;
    }

    @Test
    void a_reply_with_twenty_cells_runs_eight_tells_the_model_the_rest_were_not_run_and_more_code_ends_the_turn() throws IOException {
        server.upstream.enqueue(calling("Twenty cells.", cells(20)));
        for (int i = 1; i <= 8; i++) server.upstream.enqueueSandbox(Cells.printed(SBX, i + "\n"));
        server.upstream.enqueue(calling("One more.", cells(1)));
        JsonNode r = post("/v1/responses", responses("\"Count to twenty\"", null));
        List<JsonNode> cells = cellItems(r);
        assertThat(cells).hasSize(20); // the third reply's code is not shown as a cell: it was never a cell of the turn
        for (int i = 0; i < 8; i++) assertThat(cells.get(i).at("/outputs/0/logs").asText()).isEqualTo((i + 1) + "\n");
        for (int i = 8; i < 20; i++) {
            assertThat(cells.get(i).at("/outputs/0/logs").asText()).contains("could not run this cell", "limit of 8 code cells", "not run");
        }
        assertThat(r.get("output_text").asText()).contains("budget of code cells was spent");
        for (int i = 1; i <= 8; i++) {
            assertThat(server.upstream.takeSandboxRequest().body().at("/fragment/code").asText()).isEqualTo("print(" + i + ")");
        }
        server.upstream.assertNoSandboxRequest();
        server.upstream.takeRequest();
        String second = server.upstream.takeRequest().body().get("messages").toString();
        assertThat(second).contains("print(20)", "limit of 8 code cells, so this one was not run");
        server.upstream.assertNoRequest(); // the third reply's code was not answered with another round
    }

    @Test
    void messages_show_a_cell_past_the_budget_as_too_many_requests() throws IOException {
        server.upstream.enqueue(calling("Nine.", cells(9)));
        for (int i = 1; i <= 8; i++) server.upstream.enqueueSandbox(Cells.printed(SBX, i + "\n"));
        server.upstream.enqueue(answer("Done."));
        JsonNode m = post("/v1/messages", "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":500,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Count\"}],\"tools\":[{\"type\":\"code_execution_20250522\",\"name\":\"code_execution\"}]}");
        List<JsonNode> results = m.get("content").findParents("tool_use_id");
        assertThat(results).hasSize(9);
        assertThat(results.get(7).at("/content/type").asText()).isEqualTo("code_execution_result");
        assertThat(results.get(8).at("/content/type").asText()).isEqualTo("code_execution_tool_result_error");
        assertThat(results.get(8).at("/content/error_code").asText()).isEqualTo("too_many_requests");
        for (int i = 0; i < 8; i++) server.upstream.takeSandboxRequest();
        server.upstream.assertNoSandboxRequest();
        server.upstream.takeRequest();
        server.upstream.takeRequest();
    }

    @Test
    void a_cell_keeps_its_budget_of_output_and_the_turn_its_own() throws IOException {
        String big = "first line\n" + "z".repeat(200_000) + "\nlast line\n";
        server.upstream.enqueue(calling("Three big cells.", cells(3)));
        for (int i = 0; i < 3; i++) server.upstream.enqueueSandbox(Cells.printed(SBX, big));
        server.upstream.enqueue(answer("Long."));
        List<JsonNode> cells = cellItems(post("/v1/responses", responses("\"Print a lot\"", null)));
        String first = cells.get(0).at("/outputs/0/logs").asText();
        assertThat(first).startsWith("first line\nzzz").contains("more characters left out: the gateway keeps " + CELL_CHARS)
                .doesNotContain("last line").hasSizeLessThan(CELL_CHARS + 200);
        assertThat(cells.get(1).at("/outputs/0/logs").asText()).hasSizeLessThan(CELL_CHARS + 200);
        // What the turn had left: 120,000 less the two cells before it (their kept text and notes).
        String third = cells.get(2).at("/outputs/0/logs").asText();
        long left = TURN_CHARS - first.length() - cells.get(1).at("/outputs/0/logs").asText().length();
        assertThat(third).startsWith("first line\nzzz").contains("more characters left out: the gateway keeps " + left + " characters");
        long kept = cells.stream().mapToLong(c -> c.at("/outputs/0/logs").asText().length()).sum();
        assertThat(kept).isLessThan(TURN_CHARS + 600);
        for (int i = 0; i < 3; i++) server.upstream.takeSandboxRequest();
        server.upstream.takeRequest();
        assertThat(server.upstream.takeRequest().body().get("messages").toString()).hasSizeLessThan(3 * 11_000 + 5_000);
    }

    @Test
    void a_two_megabyte_output_sent_back_is_resent_to_the_model_cut_like_the_live_turn() throws IOException {
        String big = "head of the output\n" + "q".repeat(2_000_000) + "\ntail of the output\n";
        // Responses: a code_interpreter_call item with its outputs, as a client that kept the turn sends it.
        ObjectNode item = JSON.createObjectNode().put("type", "code_interpreter_call").put("id", "ci_1").put("status", "completed")
                .put("code", "print('q' * 2000000)").put("container_id", SBX);
        item.putArray("outputs").addObject().put("type", "logs").put("logs", big);
        String input = "[{\"role\":\"user\",\"content\":\"Print a lot\"}," + item + ",{\"role\":\"user\",\"content\":\"How long was it?\"}]";
        server.upstream.enqueue(answer("Two million."));
        post("/v1/responses", responses(input, null));
        String resent = server.upstream.takeRequest().body().toString();
        assertThat(resent).contains("head of the output", "tail of the output", "characters left out").hasSizeLessThan(30_000);

        // Messages: the assistant message with its code_execution_tool_result sent back.
        ObjectNode result = JSON.createObjectNode().put("type", "code_execution_tool_result").put("tool_use_id", "srvtoolu_1");
        result.putObject("content").put("type", "code_execution_result").put("stdout", big).put("stderr", "").put("return_code", 0)
                .putArray("content");
        String assistant = "[{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\",\"name\":\"code_execution\",\"input\":{\"code\":\"print(1)\"}},"
                + result + ",{\"type\":\"text\",\"text\":\"Long.\"}]";
        server.upstream.enqueue(answer("Two million."));
        post("/v1/messages", "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":500,\"messages\":[{\"role\":\"user\",\"content\":\"Print\"},"
                + "{\"role\":\"assistant\",\"content\":" + assistant + "},{\"role\":\"user\",\"content\":\"How long?\"}],"
                + "\"tools\":[{\"type\":\"code_execution_20250522\",\"name\":\"code_execution\"}]}");
        resent = server.upstream.takeRequest().body().toString();
        assertThat(resent).contains("head of the output", "tail of the output", "characters left out").hasSizeLessThan(30_000);
        server.upstream.assertNoSandboxRequest();
    }

    @Test
    void messages_give_the_cells_value_as_content_and_stdout_only_what_it_printed() throws IOException {
        server.upstream.enqueue(calling("", List.of("6*7")));
        server.upstream.enqueueSandbox(Cells.valued(SBX, "42"));
        server.upstream.enqueue(answer("42."));
        JsonNode m = post("/v1/messages", "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":500,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"6*7?\"}],\"tools\":[{\"type\":\"code_execution_20250522\",\"name\":\"code_execution\"}]}");
        JsonNode result = m.get("content").findParents("tool_use_id").get(0).get("content");
        assertThat(result.get("stdout").asText()).isEmpty();
        assertThat(result.at("/content/0/text").asText()).isEqualTo("42");
        server.upstream.takeSandboxRequest();
        server.upstream.takeRequest();
        assertThat(server.upstream.takeRequest().body().get("messages").toString()).contains("result:\\n42");
    }

    @Test
    void the_budgets_in_force_are_shown_in_the_gateway_config() throws IOException {
        try (Response r = server.gateway.get("/v1/gateway/config")) {
            JsonNode interpreter = Gateway.json(r).get("interpreter");
            assertThat(interpreter.get("enabled").asBoolean()).isTrue();
            assertThat(interpreter.get("cells_per_turn").asInt()).isEqualTo(8);
            assertThat(interpreter.get("rounds_per_turn").asInt()).isEqualTo(8);
            assertThat(interpreter.get("cell_output_chars").asInt()).isEqualTo(CELL_CHARS);
            assertThat(interpreter.get("turn_output_chars").asInt()).isEqualTo(TURN_CHARS);
            assertThat(interpreter.get("model_section_chars").asInt()).isEqualTo(10_000);
            assertThat(interpreter.get("sandbox_timeout_ms").asInt()).isEqualTo(5_000);
        }
    }
}
