package dev.e2bgateway.toolcalls;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.RunningGateway;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Parallel calls whose results come back in the order the tools finished, not the order they
 * were called (coding agents do this about half the time): the history the upstream receives
 * writes each call with its id and the results in the calls' order, through every front door
 * (docs/tool-calls.md, "History: calls with ids, results in call order").
 */
class ParallelResultsTest {

    @RegisterExtension
    static final RunningGateway server = new RunningGateway();

    static final String SOURCE = "class Main { int answer() { return 42; } }";
    static final String TEST = "class MainTest { void answers() { assert new Main().answer() == 42; } }";
    static final String LISTING = "pom.xml\nsrc";

    static final String READ_SCHEMA = "{\"type\":\"object\",\"properties\":{\"file_path\":{\"type\":\"string\"}},\"required\":[\"file_path\"]}";
    static final String BASH_SCHEMA = "{\"type\":\"object\",\"properties\":{\"command\":{\"type\":\"string\"}},\"required\":[\"command\"]}";

    static String post(String path, String body) throws IOException {
        try (Response r = server.gateway.post(path, body)) {
            String text = r.body().string();
            assertThat(r.code()).as(text).isEqualTo(200);
            return text;
        }
    }

    /**
     * The upstream history: the assistant's calls carry their ids in call order, and the one user
     * message after them holds one results block whose results follow that order, each with its
     * own output.
     */
    static void assertPaired(String src, String test, String ls) {
        JsonNode messages = server.upstream.takeRequest().body().get("messages");
        assertThat(messages).as(messages.toString()).hasSize(3);
        String calls = messages.at("/1/content/0/text").asText();
        assertThat(messages.at("/1/role").asText()).isEqualTo("assistant");
        assertThat(calls).contains("<invoke name=\"Read\" id=\"" + src + "\">", "<invoke name=\"Read\" id=\"" + test + "\">",
                "<invoke name=\"Bash\" id=\"" + ls + "\">");
        assertThat(calls.indexOf("id=\"" + src + "\"")).isLessThan(calls.indexOf("id=\"" + test + "\""));
        assertThat(calls.indexOf("id=\"" + test + "\"")).isLessThan(calls.indexOf("id=\"" + ls + "\""));

        assertThat(messages.at("/2/role").asText()).isEqualTo("user");
        assertThat(messages.get(2).get("content")).as("one block, not one per tool message").hasSize(1);
        String results = messages.at("/2/content/0/text").asText();
        assertThat(results).isEqualTo("<tool_results>\n"
                + "<result call_id=\"" + src + "\" name=\"Read\">\n" + SOURCE + "\n</result>\n"
                + "<result call_id=\"" + test + "\" name=\"Read\">\n" + TEST + "\n</result>\n"
                + "<result call_id=\"" + ls + "\" name=\"Bash\">\n" + LISTING + "\n</result>\n"
                + "</tool_results>");
    }

    @Test
    void chat_completions_results_out_of_order_go_upstream_in_call_order_with_ids() throws IOException {
        String tools = "[{\"type\":\"function\",\"function\":{\"name\":\"Read\",\"parameters\":" + READ_SCHEMA + "}},"
                + "{\"type\":\"function\",\"function\":{\"name\":\"Bash\",\"parameters\":" + BASH_SCHEMA + "}}]";
        String body = "{\"model\":\"gpt-4o\",\"tools\":" + tools + ",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"Does the test cover Main?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":["
                + call("call_src", "Read", "{\"file_path\":\"src/Main.java\"}") + ","
                + call("call_test", "Read", "{\"file_path\":\"src/MainTest.java\"}") + ","
                + call("call_ls", "Bash", "{\"command\":\"ls\"}") + "]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_ls\",\"content\":" + Gateway.quote(LISTING) + "},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_test\",\"content\":" + Gateway.quote(TEST) + "},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_src\",\"content\":[{\"type\":\"text\",\"text\":" + Gateway.quote(SOURCE) + "}]}]}";
        post("/v1/chat/completions", body);
        assertPaired("call_src", "call_test", "call_ls");
    }

    private static String call(String id, String name, String arguments) {
        return "{\"id\":\"" + id + "\",\"type\":\"function\",\"function\":{\"name\":\"" + name + "\",\"arguments\":"
                + Gateway.quote(arguments) + "}}";
    }

    @Test
    void messages_tool_results_out_of_order_go_upstream_in_call_order_with_ids() throws IOException {
        String tools = "[{\"name\":\"Read\",\"input_schema\":" + READ_SCHEMA + "},{\"name\":\"Bash\",\"input_schema\":" + BASH_SCHEMA + "}]";
        String body = "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":500,\"tools\":" + tools + ",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"Does the test cover Main?\"},"
                + "{\"role\":\"assistant\",\"content\":["
                + "{\"type\":\"tool_use\",\"id\":\"toolu_src\",\"name\":\"Read\",\"input\":{\"file_path\":\"src/Main.java\"}},"
                + "{\"type\":\"tool_use\",\"id\":\"toolu_test\",\"name\":\"Read\",\"input\":{\"file_path\":\"src/MainTest.java\"}},"
                + "{\"type\":\"tool_use\",\"id\":\"toolu_ls\",\"name\":\"Bash\",\"input\":{\"command\":\"ls\"}}]},"
                + "{\"role\":\"user\",\"content\":["
                + "{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_test\",\"content\":" + Gateway.quote(TEST) + "},"
                + "{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_ls\",\"content\":[{\"type\":\"text\",\"text\":" + Gateway.quote(LISTING) + "}]},"
                + "{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_src\",\"content\":" + Gateway.quote(SOURCE) + "}]}]}";
        post("/v1/messages", body);
        assertPaired("toolu_src", "toolu_test", "toolu_ls");
    }

    @Test
    void responses_outputs_out_of_order_go_upstream_in_call_order_with_ids() throws IOException {
        String tools = "[{\"type\":\"function\",\"name\":\"Read\",\"parameters\":" + READ_SCHEMA + "},"
                + "{\"type\":\"function\",\"name\":\"Bash\",\"parameters\":" + BASH_SCHEMA + "}]";
        String body = "{\"model\":\"gpt-4o\",\"store\":false,\"tools\":" + tools + ",\"input\":["
                + "{\"type\":\"message\",\"role\":\"user\",\"content\":\"Does the test cover Main?\"},"
                + "{\"type\":\"function_call\",\"call_id\":\"call_src\",\"name\":\"Read\",\"arguments\":"
                + Gateway.quote("{\"file_path\":\"src/Main.java\"}") + "},"
                + "{\"type\":\"function_call\",\"call_id\":\"call_test\",\"name\":\"Read\",\"arguments\":"
                + Gateway.quote("{\"file_path\":\"src/MainTest.java\"}") + "},"
                + "{\"type\":\"function_call\",\"call_id\":\"call_ls\",\"name\":\"Bash\",\"arguments\":" + Gateway.quote("{\"command\":\"ls\"}") + "},"
                + "{\"type\":\"function_call_output\",\"call_id\":\"call_test\",\"output\":" + Gateway.quote(TEST) + "},"
                + "{\"type\":\"function_call_output\",\"call_id\":\"call_src\",\"output\":" + Gateway.quote(SOURCE) + "},"
                + "{\"type\":\"function_call_output\",\"call_id\":\"call_ls\",\"output\":" + Gateway.quote(LISTING) + "}]}";
        post("/v1/responses", body);
        assertPaired("call_src", "call_test", "call_ls");
    }
}
