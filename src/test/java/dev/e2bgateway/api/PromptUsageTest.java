package dev.e2bgateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.RunningGateway;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Usage counts the prompt the model actually receives: the upstream's system prompt (the
 * gateway's chat prompt, the tools section, the client's system prompt) and the messages as
 * sent, transcript of earlier calls included. The expected number is counted here, with
 * jtokkit, over the request body the fake upstream recorded, by OpenAI's accounting (3 tokens
 * per message, the system prompt being one, and 3 for the reply's priming; 85 per image).
 * {@code count_tokens} and {@code input_tokens} must give the same number as the real request.
 */
class PromptUsageTest {

    @RegisterExtension
    static final RunningGateway server = new RunningGateway();

    static final EncodingRegistry ENCODINGS = Encodings.newLazyEncodingRegistry();

    /** About 24,000 characters: a coding agent's system prompt, shortened, under the exact-count limit. */
    static final String SYSTEM = ("You are a coding agent working in the user's repository. Read files before you edit them, "
            + "keep changes small, run the tests after each edit, and explain what you changed and why. ").repeat(130);

    static ArrayNode agentTools;

    @BeforeAll
    static void readTools() throws IOException {
        try (InputStream in = PromptUsageTest.class.getResourceAsStream("/dev/e2bgateway/tools/agent-tools.json")) {
            agentTools = (ArrayNode) Gateway.json(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThat(agentTools.size()).as("dozens of tools").isGreaterThanOrEqualTo(20);
    }

    enum Door {
        CHAT("/v1/chat/completions", false, null), CHAT_STREAM("/v1/chat/completions", true, null),
        MESSAGES("/v1/messages", false, "/v1/messages/count_tokens"),
        MESSAGES_STREAM("/v1/messages", true, "/v1/messages/count_tokens"),
        RESPONSES("/v1/responses", false, "/v1/responses/input_tokens"),
        RESPONSES_STREAM("/v1/responses", true, "/v1/responses/input_tokens");

        final String path;
        final boolean stream;
        final String counter;

        Door(String path, boolean stream, String counter) {
            this.path = path;
            this.stream = stream;
            this.counter = counter;
        }

        boolean messages() {
            return this == MESSAGES || this == MESSAGES_STREAM;
        }

        boolean responses() {
            return this == RESPONSES || this == RESPONSES_STREAM;
        }

        String model() {
            return messages() ? "claude-sonnet-4-5-20250929" : "gpt-4o";
        }
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void usage_counts_the_prompt_the_model_receives_tools_and_gateway_prompt_included(Door door) throws IOException {
        int withTools = usage(door, body(door, true));
        int expected = expected(door);
        assertThat(withTools).as("usage against the recorded upstream prompt").isEqualTo(expected);
        if (door.counter != null) {
            try (Response r = server.gateway.post(door.counter, body(door, true))) {
                assertThat(r.code()).isEqualTo(200);
                assertThat(Gateway.json(r).get("input_tokens").asInt()).as("the counting endpoint agrees with usage").isEqualTo(withTools);
            }
        }

        int withoutTools = usage(door, body(door, false));
        assertThat(withoutTools).isEqualTo(expected(door));
        assertThat(withTools - withoutTools).as("25 tools are thousands of tokens of prompt").isGreaterThan(2_000);
        System.out.printf("%s: prompt tokens with %d tools %d, without %d%n", door, agentTools.size(), withTools, withoutTools);
        server.upstream.assertNoRequest();
    }

    /** The prompt tokens the reply reports, from its usage (a stream's final usage). */
    static int usage(Door door, String body) throws IOException {
        try (Response r = server.gateway.post(door.path, body)) {
            String text = r.body().string();
            assertThat(r.code()).as(text).isEqualTo(200);
            if (!door.stream) {
                JsonNode json = Gateway.json(text);
                return json.at(door.messages() || door.responses() ? "/usage/input_tokens" : "/usage/prompt_tokens").asInt(-1);
            }
            int found = -1;
            for (String line : text.split("\n")) {
                if (!line.startsWith("data: {")) continue;
                JsonNode event = Gateway.json(line.substring(6));
                if (door.messages() && event.path("type").asText().equals("message_start")) {
                    found = event.at("/message/usage/input_tokens").asInt(-1);
                } else if (door.responses() && event.path("type").asText().equals("response.completed")) {
                    found = event.at("/response/usage/input_tokens").asInt(-1);
                } else if (!door.messages() && !door.responses() && event.hasNonNull("usage")) {
                    found = event.at("/usage/prompt_tokens").asInt(-1);
                }
            }
            assertThat(found).as("a usage in the stream").isPositive();
            return found;
        }
    }

    /** OpenAI's accounting over the upstream request the fake recorded: its system prompt and messages, as sent. */
    static int expected(Door door) {
        JsonNode sent = server.upstream.takeRequest().body();
        Encoding encoding = ENCODINGS.getEncoding(door.model().startsWith("gpt-4o") ? EncodingType.O200K_BASE : EncodingType.CL100K_BASE);
        String system = sent.at("/config/system").asText();
        assertThat(system).contains(SYSTEM);
        int total = 3 + 3 + encoding.countTokensOrdinary(system);
        for (JsonNode m : sent.get("messages")) {
            total += 3;
            for (JsonNode part : m.get("content")) {
                total += part.get("type").asText().equals("text") ? encoding.countTokensOrdinary(part.get("text").asText()) : 85;
            }
        }
        return total;
    }

    /**
     * A conversation with one earlier call and its result, then a question, through {@code door}:
     * with the agent's tools or without them.
     */
    static String body(Door door, boolean tools) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode body = f.objectNode().put("model", door.model()).put("stream", door.stream);
        String arguments = "{\"file_path\":\"/repo/README.md\"}";
        String readme = "# Demo\n\nA small demo project. Run `make test` to test it.";
        if (door.messages()) {
            body.put("max_tokens", 1000).put("system", SYSTEM);
            ArrayNode messages = body.putArray("messages");
            messages.addObject().put("role", "user").put("content", "What does the README say?");
            ObjectNode call = messages.addObject().put("role", "assistant").putArray("content").addObject()
                    .put("type", "tool_use").put("id", "toolu_01").put("name", "Read");
            call.set("input", json(arguments));
            messages.addObject().put("role", "user").putArray("content").addObject()
                    .put("type", "tool_result").put("tool_use_id", "toolu_01").put("content", readme);
            messages.addObject().put("role", "assistant").put("content", "It describes a demo project.");
            messages.addObject().put("role", "user").put("content", "And how do I test it?");
            if (tools) {
                ArrayNode list = body.putArray("tools");
                for (JsonNode t : agentTools) {
                    list.addObject().put("name", t.at("/function/name").asText())
                            .put("description", t.at("/function/description").asText())
                            .set("input_schema", t.at("/function/parameters"));
                }
            }
        } else if (door.responses()) {
            body.put("instructions", SYSTEM).put("store", false);
            ArrayNode input = body.putArray("input");
            input.addObject().put("role", "user").put("content", "What does the README say?");
            input.addObject().put("type", "function_call").put("call_id", "call_01").put("name", "Read").put("arguments", arguments);
            input.addObject().put("type", "function_call_output").put("call_id", "call_01").put("output", readme);
            input.addObject().put("role", "assistant").put("content", "It describes a demo project.");
            input.addObject().put("role", "user").put("content", "And how do I test it?");
            if (tools) {
                ArrayNode list = body.putArray("tools");
                for (JsonNode t : agentTools) {
                    list.addObject().put("type", "function").put("name", t.at("/function/name").asText())
                            .put("description", t.at("/function/description").asText())
                            .set("parameters", t.at("/function/parameters"));
                }
            }
        } else {
            if (door.stream) body.putObject("stream_options").put("include_usage", true);
            ArrayNode messages = body.putArray("messages");
            messages.addObject().put("role", "system").put("content", SYSTEM);
            messages.addObject().put("role", "user").put("content", "What does the README say?");
            ObjectNode assistant = messages.addObject().put("role", "assistant").putNull("content");
            assistant.putArray("tool_calls").addObject().put("id", "call_01").put("type", "function")
                    .putObject("function").put("name", "Read").put("arguments", arguments);
            messages.addObject().put("role", "tool").put("tool_call_id", "call_01").put("content", readme);
            messages.addObject().put("role", "assistant").put("content", "It describes a demo project.");
            messages.addObject().put("role", "user").put("content", "And how do I test it?");
            if (tools) body.set("tools", agentTools);
        }
        return body.toString();
    }

    private static JsonNode json(String text) {
        try {
            return Gateway.json(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
