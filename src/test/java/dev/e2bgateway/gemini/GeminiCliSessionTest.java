package dev.e2bgateway.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.RunningGateway;
import dev.e2bgateway.support.Script;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A scripted Gemini CLI session in the CLI's own request shapes (issue 29): the router's small
 * {@code generateContent} with a JSON schema, then streamed turns with a ~23 K-character system
 * instruction, 16 tools in {@code parametersJsonSchema}, thinking config, parallel calls answered
 * with the ids the gateway gave them, thought signatures echoed, and a {@code functionResponse}
 * carrying an error; each stream strictly framed and ending with a finishReason.
 */
class GeminiCliSessionTest {

    @RegisterExtension
    static final RunningGateway server = new RunningGateway(Map.of("E2B_GEMINI_MODEL", "gpt-4o"));

    private final ObjectMapper json = new ObjectMapper();

    static final List<String> TOOLS = List.of("list_directory", "read_file", "search_file_content", "glob", "replace", "write_file",
            "web_fetch", "read_many_files", "run_shell_command", "save_memory", "google_web_search", "write_todos",
            "codebase_investigator", "activate_skill", "ask_user", "exit_plan_mode");

    private ObjectNode request(ArrayNode contents) {
        ObjectNode body = json.createObjectNode();
        body.set("contents", contents);
        StringBuilder system = new StringBuilder("You are an interactive CLI agent specializing in software engineering tasks.\n");
        while (system.length() < 23_000) system.append("- Rigorously adhere to existing project conventions when reading or modifying code. \n");
        body.putObject("systemInstruction").put("role", "user").putArray("parts").addObject().put("text", system.toString());
        ArrayNode declarations = body.putArray("tools").addObject().putArray("functionDeclarations");
        for (String name : TOOLS) {
            ObjectNode f = declarations.addObject().put("name", name).put("description", "The " + name + " tool. ".repeat(40));
            ObjectNode schema = f.putObject("parametersJsonSchema").put("type", "object");
            ObjectNode props = schema.putObject("properties");
            props.putObject("path").put("type", "string").put("description", "An absolute path.");
            props.putObject("command").put("type", "string");
            props.putObject("limit").put("type", "number");
            schema.putArray("required").add(name.equals("run_shell_command") ? "command" : "path");
        }
        ObjectNode config = body.putObject("generationConfig").put("temperature", 0).put("topP", 1);
        config.putObject("thinkingConfig").put("includeThoughts", true).put("thinkingBudget", 8192);
        return body;
    }

    private ObjectNode userText(String text) {
        ObjectNode c = json.createObjectNode().put("role", "user");
        c.putArray("parts").addObject().put("text", text);
        return c;
    }

    /** Posts like the CLI and reads the stream strictly: one data line per event, nothing else. */
    private List<JsonNode> stream(ObjectNode body) throws IOException {
        try (Response r = GeminiWire.post(server.gateway, "/v1beta/models/gemini-3.1-pro-preview:streamGenerateContent?alt=sse", body.toString())) {
            assertThat(r.code()).isEqualTo(200);
            List<JsonNode> events = GeminiWire.sseEvents(r.body().string());
            assertThat(events.get(events.size() - 1).at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
            return events;
        }
    }

    /** The model's turn as the CLI sends it back: its parts, each call with a thought signature. */
    private ObjectNode modelTurn(List<JsonNode> events) {
        ObjectNode turn = json.createObjectNode().put("role", "model");
        ArrayNode parts = turn.putArray("parts");
        for (JsonNode e : events) {
            for (JsonNode p : e.at("/candidates/0/content/parts")) {
                ObjectNode part = p.deepCopy();
                if (part.has("functionCall")) part.put("thoughtSignature", "skip_thought_signature_validator");
                parts.add(part);
            }
        }
        return turn;
    }

    private static List<JsonNode> calls(List<JsonNode> events) {
        List<JsonNode> calls = new ArrayList<>();
        for (JsonNode e : events) e.at("/candidates/0/content/parts").forEach(p -> {
            if (p.has("functionCall")) calls.add(p.get("functionCall"));
        });
        return calls;
    }

    @Test
    void a_multi_turn_agent_session_in_gemini_clis_shapes() throws IOException {
        // The router: a small model chooses the model for the turn, in JSON.
        server.upstream.enqueue(Script.ok(Fragments.json("c", "{\"reasoning\":\"simple\",\"model_choice\":\"flash\"}")));
        ObjectNode route = json.createObjectNode();
        route.putArray("contents").add(userText("List the files, then read the README."));
        ObjectNode routeConfig = route.putObject("generationConfig").put("responseMimeType", "application/json");
        routeConfig.putObject("responseJsonSchema").put("type", "object").putArray("required").add("model_choice");
        try (Response r = GeminiWire.post(server.gateway, "/v1beta/models/gemini-2.5-flash-lite:generateContent", route.toString())) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(Gateway.json(Gateway.json(r).at("/candidates/0/content/parts/0/text").asText()).get("model_choice").asText()).isEqualTo("flash");
        }
        server.upstream.takeRequest();

        // Turn 1: two calls at once.
        server.upstream.enqueue(Script.ok(Fragments.json("c", "I'll look around.\n<tool_calls>\n<invoke name=\"list_directory\">\n"
                + "<parameter name=\"path\">/work</parameter>\n</invoke>\n<invoke name=\"read_file\">\n<parameter name=\"path\">/work/README.md"
                + "</parameter>\n</invoke>\n</tool_calls>")).splitEvery(9));
        ArrayNode contents = json.createArrayNode().add(userText("List the files, then read the README."));
        List<JsonNode> first = stream(request(contents));
        List<JsonNode> firstCalls = calls(first);
        assertThat(firstCalls).extracting(c -> c.get("name").asText()).containsExactly("list_directory", "read_file");
        JsonNode sent = server.upstream.takeRequest().body();
        assertThat(sent.at("/config/system").asText().length()).isGreaterThan(23_000);
        for (String tool : TOOLS) assertThat(sent.at("/config/system").asText()).contains("### " + tool);

        // Turn 2: the results, one an error, answered with the calls' ids (in the other order); the model runs a command.
        contents.add(modelTurn(first));
        ObjectNode results = contents.addObject().put("role", "user");
        ArrayNode parts = results.putArray("parts");
        ObjectNode failed = parts.addObject().putObject("functionResponse").put("id", firstCalls.get(1).get("id").asText()).put("name", "read_file");
        failed.putObject("response").put("error", "File not found: /work/README.md");
        ObjectNode listed = parts.addObject().putObject("functionResponse").put("id", firstCalls.get(0).get("id").asText()).put("name", "list_directory");
        listed.putObject("response").put("output", "Directory listing for /work:\nsrc\npom.xml");
        server.upstream.enqueue(Script.ok(Fragments.json("c", "<tool_calls>\n<invoke name=\"run_shell_command\">\n"
                + "<parameter name=\"command\">ls -la /work</parameter>\n</invoke>\n</tool_calls>")).splitEvery(4));
        List<JsonNode> second = stream(request(contents));
        assertThat(calls(second)).extracting(c -> c.get("name").asText()).containsExactly("run_shell_command");
        JsonNode messages = server.upstream.takeRequest().body().get("messages");
        String block = messages.at("/2/content/0/text").asText();
        String listId = firstCalls.get(0).get("id").asText();
        String readId = firstCalls.get(1).get("id").asText();
        assertThat(block).contains("<result call_id=\"" + listId + "\" name=\"list_directory\">",
                "<result call_id=\"" + readId + "\" name=\"read_file\" error=\"true\">\nFile not found");
        assertThat(block.indexOf(listId)).isLessThan(block.indexOf(readId));

        // Turn 3: the command's output; the model answers in text, which ends the turn.
        contents.add(modelTurn(second));
        ObjectNode ran = contents.addObject().put("role", "user").putArray("parts").addObject().putObject("functionResponse")
                .put("id", calls(second).get(0).get("id").asText()).put("name", "run_shell_command");
        ran.putObject("response").put("output", "total 8\ndrwxr-xr-x src\n-rw-r--r-- pom.xml");
        server.upstream.enqueue(Script.ok(Fragments.json("c", "There is no README; the project has `src` and `pom.xml`.")).splitEvery(3));
        List<JsonNode> third = stream(request(contents));
        assertThat(GeminiWire.text(third)).isEqualTo("There is no README; the project has `src` and `pom.xml`.");
        assertThat(calls(third)).isEmpty();
        assertThat(server.upstream.takeRequest().body().get("messages")).hasSize(5);
    }
}
