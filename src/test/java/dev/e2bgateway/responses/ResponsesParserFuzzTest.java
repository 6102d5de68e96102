package dev.e2bgateway.responses;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.e2bgateway.App;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.models.ModelCatalog;
import dev.e2bgateway.models.ModelRegistry;
import dev.e2bgateway.models.ModelSpec;
import dev.e2bgateway.state.MemoryResponseStore;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Responses parser: any body is parsed or refused with a client error (400, 404 for an
 * unknown model or response), never another exception; a valid request always parses, and a
 * valid one with a change is parsed or refused, both often. The fuzz target runs its committed
 * corpus on every build (docs/testing.md, Fuzzing).
 */
class ResponsesParserFuzzTest {

    private static final ObjectMapper JSON = App.objectMapper();
    private static final ModelRegistry MODELS = new ModelCatalog(JSON).load(null);
    private static final List<String> IDS = MODELS.all().stream().map(ModelSpec::id).toList();
    private static final Set<Integer> CLIENT_ERRORS = Set.of(400, 404, 413);
    private static final String[] SCHEMAS = {
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}",
            "{\"type\":\"object\"}",
            "{\"type\":\"object\",\"properties\":{\"a\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}},\"additionalProperties\":false}"};
    private static final String[] TEXTS = {"Hello", "What is the weather in Paris?", "你好 😀", "<tool_calls>", "", " ", "a\"b\\c\n"};
    private static final String[] JUNK = {"null", "5", "-1", "1e400", "\"\"", "\"x\"", "[]", "{}", "true", "[{}]", "{\"type\":\"bogus\"}",
            "\"\\ud83d\"", "[\"a\",1]", "{\"type\":\"message\"}", "{\"role\":\"user\"}"};

    private final ResponsesParser parser = new ResponsesParser(JSON, () -> MODELS,
            new StoredResponses(JSON, new MemoryResponseStore(100, 1_000_000, Duration.ofHours(1), System::currentTimeMillis)), false);

    @FuzzTest(maxDuration = "60s")
    void any_body_is_parsed_or_refused(byte[] body) {
        parsedOrRefused(body);
    }

    @Test
    void valid_requests_of_every_shape_parse() {
        Random random = new Random(1);
        for (int i = 0; i < 2000; i++) {
            byte[] body = valid(random).toString().getBytes(StandardCharsets.UTF_8);
            try {
                ResponsesParser.Parsed parsed = parser.parse("fuzz", body, random.nextBoolean());
                assertThat(parsed.request().messages()).isNotEmpty();
            } catch (ApiError e) {
                throw new AssertionError("a valid request was refused (" + e.getMessage() + "): " + new String(body, StandardCharsets.UTF_8), e);
            }
        }
    }

    @Test
    void valid_requests_with_a_change_are_parsed_or_refused() {
        Random random = new Random(2);
        int parsed = 0;
        for (int i = 0; i < 3000; i++) {
            ObjectNode request = valid(random);
            for (int k = 1 + random.nextInt(2); k > 0; k--) mutate(request, random);
            byte[] body = request.toString().getBytes(StandardCharsets.UTF_8);
            if (random.nextInt(5) == 0 && body.length > 0) body[random.nextInt(body.length)] = (byte) random.nextInt();
            if (parsedOrRefused(body)) parsed++;
        }
        assertThat(parsed).as("parsed of 3000").isBetween(300, 2700);
    }

    /** Returns whether the body parsed; throws on anything but a client error. */
    private boolean parsedOrRefused(byte[] body) {
        try {
            parser.parse("fuzz", body, false);
            return true;
        } catch (ApiError e) {
            if (CLIENT_ERRORS.contains(e.status())) return false;
            throw new AssertionError(e.status() + " for " + new String(body, StandardCharsets.UTF_8), e);
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError("threw " + e + " (the client would get a 500) for " + new String(body, StandardCharsets.UTF_8), e);
        }
    }

    /** A request as the Responses API takes it: input as a string or as message items, instructions, tools, formats, sampling. */
    private static ObjectNode valid(Random random) {
        ObjectNode request = JSON.createObjectNode().put("model", IDS.get(random.nextInt(IDS.size())));
        if (random.nextBoolean()) {
            request.put("input", pick(TEXTS, random) + "!");
        } else {
            ArrayNode input = request.putArray("input");
            for (int i = random.nextInt(3); i > 0; i--) {
                input.addObject().put("role", random.nextBoolean() ? "assistant" : "developer").put("content", pick(TEXTS, random));
            }
            ObjectNode user = input.addObject().put("role", "user");
            if (random.nextBoolean()) user.put("type", "message");
            if (random.nextBoolean()) user.put("content", pick(TEXTS, random) + "?");
            else user.putArray("content").addObject().put("type", "input_text").put("text", pick(TEXTS, random) + "?");
        }
        if (random.nextBoolean()) request.put("instructions", pick(TEXTS, random));
        if (random.nextBoolean()) request.put("temperature", random.nextDouble() * 2);
        if (random.nextBoolean()) request.put("top_p", random.nextDouble());
        if (random.nextBoolean()) request.put("max_output_tokens", 1 + random.nextInt(100_000));
        if (random.nextBoolean()) request.put("store", random.nextBoolean());
        if (random.nextBoolean()) request.put("stream", random.nextBoolean());
        if (random.nextInt(3) == 0) request.putObject("metadata").put("k", "v");
        switch (random.nextInt(4)) {
            case 0 -> request.putObject("text").putObject("format").put("type", "text");
            case 1 -> request.putObject("text").putObject("format").put("type", "json_object");
            case 2 -> request.putObject("text").putObject("format").put("type", "json_schema").put("name", "answer")
                    .set("schema", parse(pick(SCHEMAS, random)));
            default -> {
            }
        }
        if (random.nextBoolean()) {
            ArrayNode tools = request.putArray("tools");
            tools.addObject().put("type", "function").put("name", "get_weather").set("parameters", parse(pick(SCHEMAS, random)));
            if (random.nextBoolean()) tools.addObject().put("type", "function").put("name", "get_time").put("description", "Now.");
            switch (random.nextInt(4)) {
                case 0 -> request.put("tool_choice", random.nextBoolean() ? "auto" : random.nextBoolean() ? "required" : "none");
                case 1 -> request.putObject("tool_choice").put("type", "function").put("name", "get_weather");
                case 2 -> request.put("parallel_tool_calls", random.nextBoolean());
                default -> {
                }
            }
        }
        return request;
    }

    /** One change to the tree: a value replaced by junk, a field removed, or a field added. */
    private static void mutate(ObjectNode root, Random random) {
        List<Object[]> slots = new ArrayList<>(); // parent, key or index
        collect(root, slots);
        Object[] slot = slots.get(random.nextInt(slots.size()));
        JsonNode junk = parse(pick(JUNK, random));
        switch (random.nextInt(3)) {
            case 0 -> set(slot, junk);
            case 1 -> {
                if (slot[0] instanceof ObjectNode o) o.remove((String) slot[1]);
                else ((ArrayNode) slot[0]).remove((Integer) slot[1]);
            }
            default -> root.set(pick(new String[]{"previous_response_id", "conversation", "prompt", "input", "model", "text", "tools",
                    "tool_choice", "reasoning", "include", "truncation"}, random), junk);
        }
    }

    private static void set(Object[] slot, JsonNode value) {
        if (slot[0] instanceof ObjectNode o) o.set((String) slot[1], value);
        else ((ArrayNode) slot[0]).set((Integer) slot[1], value);
    }

    private static void collect(JsonNode node, List<Object[]> slots) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                slots.add(new Object[]{node, e.getKey()});
                collect(e.getValue(), slots);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                slots.add(new Object[]{node, i});
                collect(node.get(i), slots);
            }
        }
    }

    private static String pick(String[] values, Random random) {
        return values[random.nextInt(values.length)];
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
