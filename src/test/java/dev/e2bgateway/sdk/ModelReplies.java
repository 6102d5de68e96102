package dev.e2bgateway.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.Node;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Replies the SDK checks script for the model, in the call format, and what they read back upstream. */
public final class ModelReplies {

    static final String FINAL = "It is 18 °C and sunny in Paris.";

    static final String WEATHER_CALL = "Let me check.\n<tool_calls>\n<invoke name=\"get_weather\">\n"
            + "<parameter name=\"city\">Paris</parameter>\n<parameter name=\"days\">3</parameter>\n</invoke>\n</tool_calls>";

    /** How {@link #WEATHER_CALL} reads in the history the gateway sends back upstream: with the client's id for it. */
    static String weatherCallBlock(String id) {
        return "<tool_calls>\n<invoke name=\"get_weather\" id=\"" + id + "\">\n"
                + "<parameter name=\"city\">Paris</parameter>\n<parameter name=\"days\">3</parameter>\n</invoke>\n</tool_calls>";
    }

    static final String TWO_CALLS = "<tool_calls>\n"
            + "<invoke name=\"get_weather\">\n<parameter name=\"city\">Paris</parameter>\n</invoke>\n"
            + "<invoke name=\"get_time\">\n<parameter name=\"zone\">Europe/Paris</parameter>\n</invoke>\n"
            + "</tool_calls>";

    /** How {@link #TWO_CALLS} reads in the history, with the client's ids for the calls. */
    static String twoCalls(String weatherId, String timeId) {
        return TWO_CALLS.replace("<invoke name=\"get_weather\">", "<invoke name=\"get_weather\" id=\"" + weatherId + "\">")
                .replace("<invoke name=\"get_time\">", "<invoke name=\"get_time\" id=\"" + timeId + "\">");
    }

    private ModelReplies() {
    }

    /** A result as the gateway writes it back upstream. */
    static String result(String callId, String name, String content) {
        return "<result call_id=\"" + callId + "\" name=\"" + name + "\">\n" + content + "\n</result>";
    }

    /**
     * The {@link #messages} of the request after {@link #WEATHER_CALL} was answered: the question,
     * the call with the client's {@code callId}, and the script's result for it.
     */
    static List<String> weatherAnswered(String callId) {
        return List.of("user: What is the weather in Paris?",
                "assistant: Let me check.\n" + weatherCallBlock(callId),
                "user: <tool_results>\n" + result(callId, "get_weather", "18 °C, sunny") + "\n</tool_results>");
    }

    /** The upstream request's messages, each as "role: " and the text of its parts joined. */
    public static List<String> messages(JsonNode body) {
        List<String> out = new ArrayList<>();
        for (JsonNode m : body.get("messages")) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : m.get("content")) text.append(part.path("text").asText());
            out.add(m.get("role").asText() + ": " + text);
        }
        return out;
    }

    /** Runs a check script against the gateway; fails with its stderr unless it exits 0; returns its JSON line. */
    static JsonNode runNode(String script, String baseUrl, String model) throws Exception {
        Node.Result result = Node.run(script, baseUrl, Gateway.KEY, model);
        assertThat(result.exitCode()).as("node %s failed:%n%s%s", script, result.stderr(), result.stdout()).isZero();
        return Gateway.json(result.stdout());
    }
}
