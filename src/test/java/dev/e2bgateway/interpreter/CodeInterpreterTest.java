package dev.e2bgateway.interpreter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.Cells;
import dev.e2bgateway.support.FakeFragments;
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
 * The built-in code interpreter end to end: a fake model that calls {@code python}, the fake
 * {@code /api/sandbox} beside the fake chat endpoint, and both dialects that have the built-in,
 * streamed and not, at every chunking of the model's reply.
 */
class CodeInterpreterTest {

    @RegisterExtension
    static final RunningGateway server = new RunningGateway(Map.of("E2B_CODE_INTERPRETER", "on", "E2B_SANDBOX_TIMEOUT_MS", "1500"));

    static final String SBX = "sbx_fake_1";
    static final int[] CHUNKINGS = {1, 3, 7, 64, Integer.MAX_VALUE};

    /** A model reply with some text, then a call of the interpreter. */
    static String calling(String text, String code) {
        return (text.isEmpty() ? "" : text + "\n") + "<tool_calls>\n<invoke name=\"python\">\n<parameter name=\"code\">\n" + code + "\n</parameter>\n</invoke>\n</tool_calls>";
    }

    static Script model(String code, int chunk) {
        Script s = Script.ok(Fragments.json("Running code.", code));
        return chunk == Integer.MAX_VALUE ? s : s.splitEvery(chunk);
    }

    static String responses(String extra) {
        return "{\"model\":\"gpt-4o\",\"input\":\"What is 6 times 7?\",\"tools\":[{\"type\":\"code_interpreter\",\"container\":{\"type\":\"auto\"}}]"
                + (extra == null ? "" : "," + extra) + "}";
    }

    static String messages(String extra) {
        return "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":500,\"messages\":[{\"role\":\"user\",\"content\":\"What is 6 times 7?\"}],"
                + "\"tools\":[{\"type\":\"code_execution_20250522\",\"name\":\"code_execution\"}]" + (extra == null ? "" : "," + extra) + "}";
    }

    static String post(String path, String body) throws IOException {
        Request request = server.gateway.request(path).header("anthropic-beta", "code-execution-2025-05-22")
                .post(RequestBody.create(body, MediaType.get("application/json"))).build();
        try (Response r = server.gateway.http.newCall(request).execute()) {
            String text = r.body().string();
            assertThat(r.code()).as(text).isEqualTo(200);
            return text;
        }
    }

    /** The usual turn: the model computes 6*7 in a cell, sees 42, and answers. */
    static void sixTimesSeven(int chunk) {
        server.upstream.enqueue(model(calling("Let me compute.", "print(6*7)"), chunk));
        server.upstream.enqueueSandbox(Cells.printed(SBX, "42\n"));
        server.upstream.enqueue(model("The answer is 42.", chunk));
    }

    /** The second model request carries the cell and its output as a call and a result. */
    static void assertSecondRoundSawTheOutput(String expected) {
        FakeFragments.Recorded first = server.upstream.takeRequest();
        String system = first.body().at("/config/system").asText();
        assertThat(system).contains("### python", "fresh sandbox", "no state is kept");
        FakeFragments.Recorded second = server.upstream.takeRequest();
        String messages = second.body().get("messages").toString();
        assertThat(messages).contains("print(6*7)", "<tool_results>", expected);
    }

    static void assertSandboxGotTheCell(String code) {
        FakeFragments.Recorded request = server.upstream.takeSandboxRequest();
        assertThat(request.path()).isEqualTo("/api/sandbox");
        assertThat(request.headers().get("content-type")).startsWith("application/json");
        assertThat(request.headers().get("user-agent")).startsWith("Mozilla/5.0"); // as the chat calls
        JsonNode body = request.body();
        assertThat(body.at("/fragment/template").asText()).isEqualTo("code-interpreter-v1");
        assertThat(body.at("/fragment/code").asText()).isEqualTo(code);
        assertThat(body.at("/fragment/file_path").asText()).isEqualTo("script.py");
        assertThat(body.get("userID").asText()).isNotEmpty();
    }

    // ---- Responses, not streamed

    @Test
    void responses_runs_the_cell_and_answers_with_a_code_interpreter_call_between_two_messages_at_every_chunking() throws IOException {
        for (int chunk : CHUNKINGS) {
            sixTimesSeven(chunk);
            JsonNode r = Gateway.json(post("/v1/responses", responses("\"include\":[\"code_interpreter_call.outputs\"]")));
            assertThat(r.get("status").asText()).isEqualTo("completed");
            JsonNode output = r.get("output");
            assertThat(output).hasSize(3);
            assertThat(output.get(0).at("/content/0/text").asText()).isEqualTo("Let me compute.\n");
            JsonNode cell = output.get(1);
            assertThat(cell.get("type").asText()).isEqualTo("code_interpreter_call");
            assertThat(cell.get("id").asText()).startsWith("ci_");
            assertThat(cell.get("status").asText()).isEqualTo("completed");
            assertThat(cell.get("code").asText()).isEqualTo("print(6*7)");
            assertThat(cell.get("container_id").asText()).isEqualTo(SBX);
            assertThat(cell.at("/outputs/0/type").asText()).isEqualTo("logs");
            assertThat(cell.at("/outputs/0/logs").asText()).isEqualTo("42\n");
            assertThat(output.get(2).at("/content/0/text").asText()).isEqualTo("The answer is 42.");
            assertThat(r.get("output_text").asText()).isEqualTo("Let me compute.\nThe answer is 42.");
            assertThat(r.at("/tools/0/type").asText()).isEqualTo("code_interpreter");
            assertThat(r.at("/usage/input_tokens").asInt()).isPositive();
            assertSandboxGotTheCell("print(6*7)");
            assertSecondRoundSawTheOutput("42");
            server.upstream.assertNoRequest();
        }
    }

    @Test
    void responses_leave_the_outputs_out_unless_include_asks_for_them() throws IOException {
        sixTimesSeven(Integer.MAX_VALUE);
        JsonNode cell = Gateway.json(post("/v1/responses", responses("\"store\":false"))).at("/output/1");
        assertThat(cell.get("type").asText()).isEqualTo("code_interpreter_call");
        assertThat(cell.get("outputs").isNull()).isTrue();
        assertThat(cell.get("code").asText()).isEqualTo("print(6*7)");
    }

    @Test
    void an_image_result_is_a_data_url_and_the_model_is_told_one_was_made() throws IOException {
        server.upstream.enqueue(model(calling("", "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()"), Integer.MAX_VALUE));
        server.upstream.enqueueSandbox(Cells.plotted(SBX, "plotted\n"));
        server.upstream.enqueue(model("Here is the plot.", Integer.MAX_VALUE));
        JsonNode r = Gateway.json(post("/v1/responses", responses("\"include\":[\"code_interpreter_call.outputs\"]")));
        JsonNode cell = r.at("/output/0");
        assertThat(cell.get("type").asText()).isEqualTo("code_interpreter_call");
        assertThat(cell.at("/outputs/0/logs").asText()).contains("plotted");
        assertThat(cell.at("/outputs/1/type").asText()).isEqualTo("image");
        assertThat(cell.at("/outputs/1/url").asText()).isEqualTo("data:image/png;base64," + Cells.PNG);
        server.upstream.takeRequest();
        assertThat(server.upstream.takeRequest().body().get("messages").toString())
                .contains("an image (image/png) was produced").doesNotContain(Cells.PNG);
    }

    @Test
    void a_runtime_error_is_the_cells_output_with_its_traceback_not_a_failure() throws IOException {
        server.upstream.enqueue(model(calling("", "1/0"), Integer.MAX_VALUE));
        server.upstream.enqueueSandbox(Cells.raised(SBX, "ZeroDivisionError", "division by zero", "warning: dividing\n"));
        server.upstream.enqueue(model("Dividing by zero is undefined.", Integer.MAX_VALUE));
        JsonNode cell = Gateway.json(post("/v1/responses", responses("\"include\":[\"code_interpreter_call.outputs\"]"))).at("/output/0");
        assertThat(cell.get("status").asText()).isEqualTo("completed");
        assertThat(cell.at("/outputs/0/logs").asText()).contains("warning: dividing", "Traceback", "ZeroDivisionError: division by zero");
        server.upstream.takeRequest();
        String messages = server.upstream.takeRequest().body().get("messages").toString();
        assertThat(messages).contains("error:\\nTraceback (most recent call last)").doesNotContain("traceback:");
        assertThat(messages.split("ZeroDivisionError: division by zero", -1)).as("the error once").hasSize(2);
    }

    @Test
    void a_sandbox_500_an_html_page_and_a_timeout_become_failed_cells_the_model_answers_anyway() throws IOException {
        Script[] failures = {Script.status(500, ""), Script.status(200, "<!DOCTYPE html><html>Error</html>").header("Content-Type", "text/html"),
                Cells.printed(SBX, "late\n").headerDelay(30_000)}; // a sandbox slower than the 1.5 s timeout, whatever the machine's pace
        String[] told = {"answered 500", "HTML page", "did not answer within 1500 ms"};
        for (int i = 0; i < failures.length; i++) {
            server.upstream.enqueue(model(calling("", "print(1)"), Integer.MAX_VALUE));
            server.upstream.enqueueSandbox(failures[i]);
            server.upstream.enqueue(model("I could not run the code, but the answer is 1.", Integer.MAX_VALUE));
            JsonNode r = Gateway.json(post("/v1/responses", responses("\"include\":[\"code_interpreter_call.outputs\"]")));
            assertThat(r.get("status").asText()).isEqualTo("completed");
            JsonNode cell = r.at("/output/0");
            assertThat(cell.get("status").asText()).as(told[i]).isEqualTo("completed"); // what the Agents SDK can read back
            assertThat(cell.at("/outputs/0/logs").asText()).startsWith("The sandbox could not run this cell").contains(told[i]);
            assertThat(r.at("/output/1/content/0/text").asText()).startsWith("I could not run the code");
            server.upstream.takeRequest();
            String second = server.upstream.takeRequest().body().get("messages").toString();
            assertThat(second).contains("error=\\\"true\\\"", "could not run this cell", told[i]);
            server.upstream.takeSandboxRequest();
        }
        String metrics;
        try (Response m = server.gateway.get("/metrics")) {
            metrics = m.body().string();
        }
        assertThat(metrics).contains("gateway_sandbox_runs_total{key=\"default\",outcome=\"http_error\"}", "gateway_sandbox_runs_total{key=\"default\",outcome=\"html\"}",
                "gateway_sandbox_runs_total{key=\"default\",outcome=\"timeout\"}");
    }

    @Test
    void after_eight_rounds_of_code_the_turn_ends_with_a_note_and_the_ninth_cell_is_not_run() throws IOException {
        for (int i = 1; i <= 9; i++) {
            server.upstream.enqueue(model(calling("Round " + i + ".", "print(" + i + ")"), Integer.MAX_VALUE));
            if (i <= 8) server.upstream.enqueueSandbox(Cells.printed(SBX, i + "\n"));
        }
        JsonNode r = Gateway.json(post("/v1/responses", responses("\"store\":false")));
        long cells = 0;
        for (JsonNode item : r.get("output")) if (item.get("type").asText().equals("code_interpreter_call")) cells++;
        assertThat(cells).isEqualTo(8);
        assertThat(r.get("output_text").asText()).contains("Round 9.", "limit of 8 rounds");
        for (int i = 1; i <= 8; i++) assertSandboxGotTheCell("print(" + i + ")");
        server.upstream.assertNoSandboxRequest();
        for (int i = 1; i <= 9; i++) server.upstream.takeRequest();
        server.upstream.assertNoRequest();
    }

    @Test
    void a_client_function_in_the_same_reply_ends_the_turn_after_the_cell_ran() throws IOException {
        server.upstream.enqueue(model("Checking.\n<tool_calls>\n<invoke name=\"python\">\n<parameter name=\"code\">print(6*7)</parameter>\n</invoke>\n"
                + "<invoke name=\"get_weather\">\n<parameter name=\"city\">Paris</parameter>\n</invoke>\n</tool_calls>", Integer.MAX_VALUE));
        server.upstream.enqueueSandbox(Cells.printed(SBX, "42\n"));
        String tools = "\"tools\":[{\"type\":\"code_interpreter\",\"container\":{\"type\":\"auto\"}},{\"type\":\"function\",\"name\":\"get_weather\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}]";
        JsonNode r = Gateway.json(post("/v1/responses", "{\"model\":\"gpt-4o\",\"input\":\"hi\"," + tools + "}"));
        JsonNode output = r.get("output");
        assertThat(output).hasSize(3);
        assertThat(output.get(1).get("type").asText()).isEqualTo("code_interpreter_call");
        assertThat(output.get(2).get("type").asText()).isEqualTo("function_call");
        assertThat(output.get(2).get("name").asText()).isEqualTo("get_weather");
        assertThat(output.get(2).get("arguments").asText()).contains("Paris");
        assertSandboxGotTheCell("print(6*7)");
        server.upstream.takeRequest();
        server.upstream.assertNoRequest(); // the client answers the function first
    }

    @Test
    void a_client_function_named_python_stays_the_clients_and_the_built_in_is_offered_as_python_sandbox() throws IOException {
        server.upstream.enqueue(model(calling("Using your python.", "print(1)"), Integer.MAX_VALUE));
        String tools = "\"tools\":[{\"type\":\"code_interpreter\",\"container\":{\"type\":\"auto\"}},{\"type\":\"function\",\"name\":\"python\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{\"code\":{\"type\":\"string\"}}}}]";
        JsonNode r = Gateway.json(post("/v1/responses", "{\"model\":\"gpt-4o\",\"input\":\"hi\"," + tools + "}"));
        JsonNode call = r.at("/output/1");
        assertThat(call.get("type").asText()).isEqualTo("function_call");
        assertThat(call.get("name").asText()).isEqualTo("python");
        String system = server.upstream.takeRequest().body().at("/config/system").asText();
        assertThat(system).contains("### python\n", "### python_sandbox\n");
        server.upstream.assertNoSandboxRequest();
    }

    @Test
    void a_stored_turn_with_cells_is_continued_with_previous_response_id_and_the_model_sees_them() throws IOException {
        sixTimesSeven(Integer.MAX_VALUE);
        JsonNode first = Gateway.json(post("/v1/responses", responses(null)));
        server.upstream.takeRequest();
        server.upstream.takeRequest();
        server.upstream.takeSandboxRequest();
        server.upstream.enqueue(model("Doubled, it is 84.", Integer.MAX_VALUE));
        JsonNode second = Gateway.json(post("/v1/responses", "{\"model\":\"gpt-4o\",\"input\":\"And doubled?\",\"previous_response_id\":\""
                + first.get("id").asText() + "\",\"tools\":[{\"type\":\"code_interpreter\",\"container\":{\"type\":\"auto\"}}]}"));
        assertThat(second.get("output_text").asText()).isEqualTo("Doubled, it is 84.");
        String history = server.upstream.takeRequest().body().get("messages").toString();
        assertThat(history).contains("What is 6 times 7?", "print(6*7)", "42", "The answer is 42.", "And doubled?");
        try (Response stored = server.gateway.get("/v1/responses/" + first.get("id").asText())) {
            assertThat(Gateway.json(stored).at("/output/1/type").asText()).isEqualTo("code_interpreter_call");
        }
    }

    // ---- Responses, streamed

    record Event(String type, JsonNode data) {}

    static List<Event> sse(String body) throws IOException {
        List<Event> events = new ArrayList<>();
        for (String frame : body.split("\n\n")) {
            if (frame.isBlank()) continue;
            String type = frame.substring(7, frame.indexOf('\n'));
            events.add(new Event(type, Gateway.json(frame.substring(frame.indexOf("data: ") + 6))));
        }
        return events;
    }

    @Test
    void responses_stream_the_cell_between_the_two_messages_at_every_chunking() throws IOException {
        for (int chunk : CHUNKINGS) {
            sixTimesSeven(chunk);
            List<Event> events = sse(post("/v1/responses", responses("\"stream\":true,\"include\":[\"code_interpreter_call.outputs\"]")));
            List<String> types = events.stream().map(Event::type).toList();
            int started = types.indexOf("response.code_interpreter_call.in_progress");
            assertThat(types.subList(started - 1, started + 6)).as("chunks of %d", chunk).containsExactly("response.output_item.added",
                    "response.code_interpreter_call.in_progress", "response.code_interpreter_call_code.delta",
                    "response.code_interpreter_call_code.done", "response.code_interpreter_call.interpreting",
                    "response.code_interpreter_call.completed", "response.output_item.done");
            assertThat(types.indexOf("response.output_text.done")).isLessThan(started);
            assertThat(types.lastIndexOf("response.output_text.delta")).isGreaterThan(started);
            for (int i = 0; i < events.size(); i++) assertThat(events.get(i).data().get("sequence_number").asInt()).isEqualTo(i);
            JsonNode code = events.get(started + 1).data();
            assertThat(code.get("delta").asText()).isEqualTo("print(6*7)");
            assertThat(code.get("output_index").asInt()).isEqualTo(1);
            JsonNode done = events.get(started + 5).data().get("item");
            assertThat(done.get("container_id").asText()).isEqualTo(SBX);
            assertThat(done.at("/outputs/0/logs").asText()).isEqualTo("42\n");
            JsonNode response = events.get(events.size() - 1).data().get("response");
            assertThat(events.get(events.size() - 1).type()).isEqualTo("response.completed");
            assertThat(response.get("output")).hasSize(3);
            assertThat(response.at("/output/1/code").asText()).isEqualTo("print(6*7)");
            assertThat(response.at("/output/2/content/0/text").asText()).isEqualTo("The answer is 42.");
            assertSandboxGotTheCell("print(6*7)");
            assertSecondRoundSawTheOutput("42");
        }
    }

    // ---- Messages

    @Test
    void messages_show_the_cell_as_server_tool_use_and_code_execution_tool_result_and_end_the_turn_at_every_chunking() throws IOException {
        for (int chunk : CHUNKINGS) {
            sixTimesSeven(chunk);
            JsonNode m = Gateway.json(post("/v1/messages", messages(null)));
            assertThat(m.get("stop_reason").asText()).isEqualTo("end_turn");
            JsonNode content = m.get("content");
            assertThat(content).hasSize(4);
            assertThat(content.get(0).get("text").asText()).isEqualTo("Let me compute.\n");
            JsonNode use = content.get(1);
            assertThat(use.get("type").asText()).isEqualTo("server_tool_use");
            assertThat(use.get("name").asText()).isEqualTo("code_execution");
            assertThat(use.get("id").asText()).startsWith("srvtoolu_");
            assertThat(use.at("/input/code").asText()).isEqualTo("print(6*7)");
            JsonNode result = content.get(2);
            assertThat(result.get("type").asText()).isEqualTo("code_execution_tool_result");
            assertThat(result.get("tool_use_id").asText()).isEqualTo(use.get("id").asText());
            assertThat(result.at("/content/type").asText()).isEqualTo("code_execution_result");
            assertThat(result.at("/content/stdout").asText()).isEqualTo("42\n");
            assertThat(result.at("/content/stderr").asText()).isEmpty();
            assertThat(result.at("/content/return_code").asInt()).isZero();
            assertThat(result.at("/content/content").isArray()).isTrue();
            assertThat(content.get(3).get("text").asText()).isEqualTo("The answer is 42.");
            assertSandboxGotTheCell("print(6*7)");
            assertSecondRoundSawTheOutput("42");
        }
    }

    @Test
    void messages_report_a_runtime_error_with_return_code_1_and_a_failed_sandbox_as_a_result_error() throws IOException {
        server.upstream.enqueue(model(calling("", "1/0"), Integer.MAX_VALUE));
        server.upstream.enqueueSandbox(Cells.raised(SBX, "ZeroDivisionError", "division by zero", ""));
        server.upstream.enqueue(model(calling("", "print(2)"), Integer.MAX_VALUE));
        server.upstream.enqueueSandbox(Cells.printed(SBX, "late\n").headerDelay(30_000)); // slower than the 1.5 s sandbox timeout
        server.upstream.enqueue(model("Done.", Integer.MAX_VALUE));
        JsonNode content = Gateway.json(post("/v1/messages", messages(null))).get("content");
        assertThat(content.get(1).at("/content/return_code").asInt()).isEqualTo(1);
        assertThat(content.get(1).at("/content/stderr").asText()).contains("ZeroDivisionError: division by zero");
        assertThat(content.get(3).at("/content/type").asText()).isEqualTo("code_execution_tool_result_error");
        assertThat(content.get(3).at("/content/error_code").asText()).isEqualTo("execution_time_exceeded");
        assertThat(content.get(4).get("text").asText()).isEqualTo("Done.");
    }

    @Test
    void messages_stream_the_cell_as_content_blocks_at_every_chunking() throws IOException {
        for (int chunk : CHUNKINGS) {
            sixTimesSeven(chunk);
            List<Event> events = sse(post("/v1/messages", messages("\"stream\":true")));
            List<String> blocks = new ArrayList<>();
            StringBuilder input = new StringBuilder();
            StringBuilder text = new StringBuilder();
            String stop = null;
            for (Event e : events) {
                switch (e.type()) {
                    case "content_block_start" -> blocks.add(e.data().at("/content_block/type").asText());
                    case "content_block_delta" -> {
                        if (e.data().at("/delta/type").asText().equals("input_json_delta")) input.append(e.data().at("/delta/partial_json").asText());
                        else text.append(e.data().at("/delta/text").asText());
                    }
                    case "message_delta" -> stop = e.data().at("/delta/stop_reason").asText();
                    default -> { }
                }
                if (e.type().equals("content_block_start") && blocks.get(blocks.size() - 1).equals("code_execution_tool_result")) {
                    assertThat(e.data().at("/content_block/content/stdout").asText()).isEqualTo("42\n");
                }
            }
            assertThat(blocks).as("chunks of %d", chunk).containsExactly("text", "server_tool_use", "code_execution_tool_result", "text");
            assertThat(Gateway.json(input.toString()).get("code").asText()).isEqualTo("print(6*7)");
            assertThat(text.toString()).isEqualTo("Let me compute.\nThe answer is 42.");
            assertThat(stop).isEqualTo("end_turn");
            assertThat(events.get(events.size() - 1).type()).isEqualTo("message_stop");
            assertSandboxGotTheCell("print(6*7)");
            assertSecondRoundSawTheOutput("42");
        }
    }

    @Test
    void code_execution_20250825_is_refused_with_a_400_naming_the_version_that_works() throws IOException {
        String body = messages(null).replace("code_execution_20250522", "code_execution_20250825");
        try (Response r = server.gateway.post("/v1/messages", body)) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(Gateway.json(r).at("/error/message").asText()).contains("code_execution_20250522");
        }
        server.upstream.assertNoRequest();
    }

    @Test
    void chat_completions_offer_no_interpreter() throws IOException {
        server.upstream.enqueue(model("Plain.", Integer.MAX_VALUE));
        JsonNode r = Gateway.json(post("/v1/chat/completions", Gateway.chat("gpt-4o", "hi", null)));
        assertThat(r.at("/choices/0/message/content").asText()).isEqualTo("Plain.");
        assertThat(server.upstream.takeRequest().body().at("/config/system").asText()).doesNotContain("### python");
    }

    @Test
    void messages_resent_with_their_cells_give_the_model_the_earlier_code_and_output() throws IOException {
        sixTimesSeven(Integer.MAX_VALUE);
        JsonNode first = Gateway.json(post("/v1/messages", messages(null)));
        server.upstream.takeRequest();
        server.upstream.takeRequest();
        server.upstream.takeSandboxRequest();
        server.upstream.enqueue(model("Doubled, it is 84.", Integer.MAX_VALUE));
        String body = "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":500,\"messages\":[{\"role\":\"user\",\"content\":\"What is 6 times 7?\"},"
                + "{\"role\":\"assistant\",\"content\":" + first.get("content") + "},{\"role\":\"user\",\"content\":\"And doubled?\"}],"
                + "\"tools\":[{\"type\":\"code_execution_20250522\",\"name\":\"code_execution\"}]}";
        assertThat(Gateway.json(post("/v1/messages", body)).at("/content/0/text").asText()).isEqualTo("Doubled, it is 84.");
        JsonNode messages = server.upstream.takeRequest().body().get("messages");
        String history = messages.toString();
        // The cell goes back as a call of the interpreter with its block's id, paired with its result by that id.
        String cellId = first.at("/content").findValues("id").stream().map(JsonNode::asText)
                .filter(id -> id.startsWith("srvtoolu_")).findFirst().orElseThrow();
        assertThat(history).contains("Let me compute.", "<invoke name=\\\"python\\\" id=\\\"" + cellId + "\\\">", "print(6*7)",
                "<result call_id=\\\"" + cellId + "\\\" name=\\\"python\\\">", "42", "The answer is 42.", "And doubled?");
        server.upstream.assertNoSandboxRequest();
    }

    @Test
    void a_tool_choice_forcing_code_interpreter_makes_the_first_reply_call_it_and_later_ones_free() throws IOException {
        sixTimesSeven(Integer.MAX_VALUE);
        JsonNode r = Gateway.json(post("/v1/responses", responses("\"tool_choice\":{\"type\":\"code_interpreter\"},\"store\":false")));
        assertThat(r.at("/output/1/type").asText()).isEqualTo("code_interpreter_call");
        assertThat(server.upstream.takeRequest().body().at("/config/system").asText()).contains("must call the tool python");
        assertThat(server.upstream.takeRequest().body().at("/config/system").asText()).doesNotContain("must call the tool python");
        server.upstream.takeSandboxRequest();
    }

    @Test
    void an_unreadable_sandbox_answer_is_a_failed_cell_counted_as_bad_json() throws IOException {
        server.upstream.enqueue(model(calling("", "print(1)"), Integer.MAX_VALUE));
        server.upstream.enqueueSandbox(Script.ok("{\"unexpected\": true").header("Content-Type", "text/plain;charset=UTF-8"));
        server.upstream.enqueue(model("No output.", Integer.MAX_VALUE));
        JsonNode cell = Gateway.json(post("/v1/responses", responses("\"store\":false,\"include\":[\"code_interpreter_call.outputs\"]"))).at("/output/0");
        assertThat(cell.at("/outputs/0/logs").asText()).contains("could not run this cell", "not JSON");
        try (Response m = server.gateway.get("/metrics")) {
            assertThat(m.body().string()).contains("gateway_sandbox_runs_total{key=\"default\",outcome=\"bad_json\"}");
        }
        server.upstream.takeSandboxRequest();
    }

    @Test
    void a_messages_tool_choice_naming_code_execution_forces_the_first_reply_to_run_code() throws IOException {
        sixTimesSeven(Integer.MAX_VALUE);
        JsonNode m = Gateway.json(post("/v1/messages", messages("\"tool_choice\":{\"type\":\"tool\",\"name\":\"code_execution\"}")));
        assertThat(m.at("/content/1/type").asText()).isEqualTo("server_tool_use");
        assertThat(server.upstream.takeRequest().body().at("/config/system").asText()).contains("must call the tool python");
        server.upstream.takeRequest();
        server.upstream.takeSandboxRequest();
    }

    @Test
    void a_client_that_hangs_up_while_a_cell_runs_cancels_the_sandbox_call() throws Exception {
        server.upstream.resetAborts();
        server.upstream.enqueue(model(calling("Computing.", "import time; time.sleep(30)"), Integer.MAX_VALUE));
        server.upstream.enqueueSandbox(Cells.printed(SBX, "slept\n").headerDelay(8_000));
        okhttp3.Call call = server.gateway.http.newCall(server.gateway.request("/v1/responses")
                .post(RequestBody.create(responses("\"stream\":true,\"store\":false"), MediaType.get("application/json"))).build());
        try (Response r = call.execute()) {
            okio.BufferedSource body = r.body().source();
            for (String line = body.readUtf8Line(); line != null; line = body.readUtf8Line()) {
                if (line.contains("response.code_interpreter_call.interpreting")) break;
            }
            server.upstream.takeSandboxRequest(); // the cell is running
            call.cancel();
        }
        assertThat(server.upstream.awaitAbort(2000)).as("the sandbox call was cancelled").isTrue();
        server.upstream.takeRequest();
        server.upstream.assertNoRequest(); // the model was not asked again
    }

    @Test
    void a_huge_output_reaches_the_client_whole_and_the_model_cut_in_the_middle() throws IOException {
        String line = "0123456789".repeat(9) + "\n";
        String big = "first line\n" + line.repeat(2_000) + "last line\n";
        server.upstream.enqueue(model(calling("", "for i in range(2000): print('0123456789' * 9)"), Integer.MAX_VALUE));
        server.upstream.enqueueSandbox(Cells.printed(SBX, big));
        server.upstream.enqueue(model("That was long.", Integer.MAX_VALUE));
        JsonNode cell = Gateway.json(post("/v1/responses", responses("\"store\":false,\"include\":[\"code_interpreter_call.outputs\"]"))).at("/output/0");
        assertThat(cell.at("/outputs/0/logs").asText()).isEqualTo(big);
        server.upstream.takeRequest();
        String seen = server.upstream.takeRequest().body().get("messages").toString();
        assertThat(seen).contains("first line", "last line", "characters left out");
        assertThat(seen.length()).isLessThan(20_000);
        server.upstream.takeSandboxRequest();
    }
}
