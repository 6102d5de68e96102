package dev.e2bgateway.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import static dev.e2bgateway.fuzz.JsonValues.NODES;
import static dev.e2bgateway.fuzz.Shapes.fields;
import static dev.e2bgateway.fuzz.Shapes.literal;
import static dev.e2bgateway.fuzz.Shapes.object;
import static dev.e2bgateway.fuzz.Shapes.text;

/**
 * Ollama {@code /api/chat} and {@code /api/generate} requests as its apps send them: messages of
 * every role, base64 images, tool calls with arguments as objects, tool turns, options, format as
 * "json" or a schema, think and keep_alive. Most are valid; the mutations make them not.
 */
final class OllamaRequests {

    static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    private OllamaRequests() {
    }

    static Gen<ObjectNode> chats() {
        Gen<JsonNode> messages = Gen.oneOf(user(), assistant(), tool(), system()).list(1, 5).map(JsonValues::array);
        return Shapes.object(fields("model", Gen.oneOf(Shapes.models(), literal("\"gpt-4o:latest\"", "\"llama3:8b\""))), fields(
                "messages", messages,
                "tools", toolDeclaration().list(3).map(JsonValues::array),
                "format", format(),
                "options", options(),
                "stream", Gen.of(true, false).map(NODES::booleanNode),
                "think", literal("true", "false", "\"high\"", "\"max\"", "3"),
                "keep_alive", literal("\"5m\"", "-1", "0", "{}")), 0.3).map(n -> (ObjectNode) n);
    }

    static Gen<ObjectNode> generates() {
        return Shapes.object(fields("model", Shapes.models()), fields(
                "prompt", text(Shapes.messageText()),
                "system", Gen.oneOf(text(Shapes.messageText()), literal("5", "null")),
                "images", images(),
                "format", format(),
                "options", options(),
                "stream", Gen.of(true, false).map(NODES::booleanNode),
                "raw", Gen.of(true, false).map(NODES::booleanNode),
                "suffix", literal("\"\"", "\"return x\""),
                "context", literal("[1,2,3]", "[]"),
                "template", literal("\"{{ .Prompt }}\"")), 0.3).map(n -> (ObjectNode) n);
    }

    static Gen<JsonNode> parts() {
        return Gen.oneOf(user(), assistant(), tool(), system(), toolDeclaration(), format(), options(), images(), Shapes.models());
    }

    static Gen<JsonNode> images() {
        return Gen.oneOf(literal("\"" + PNG + "\"", "\"/9j/4AAQSkZJRgABAQ\"", "\"R0lGODlhAQABAAAAACw=\"", "\"not base64!\"", "\"\"",
                "\"data:image/png;base64," + PNG + "\"", "5", "{}")).list(2).map(JsonValues::array);
    }

    static Gen<JsonNode> system() {
        return object(fields("role", literal("\"system\""), "content", text(Shapes.messageText())), fields(), 0);
    }

    static Gen<JsonNode> user() {
        return object(fields("role", literal("\"user\""), "content", text(Shapes.messageText())), fields("images", images()), 0.2);
    }

    static Gen<JsonNode> assistant() {
        Gen<JsonNode> call = object(fields("function", object(fields("name", text(Shapes.toolNames())), fields("arguments",
                Gen.oneOf(literal("{}", "{\"city\":\"Paris\",\"days\":3}", "\"{\\\"city\\\":\\\"Rome\\\"}\"", "null", "[1]"), JsonValues.values())), 0.9)),
                fields("id", literal("\"call_1\"", "\"\"")), 0.3);
        return object(fields("role", literal("\"assistant\""), "content", text(Shapes.messageText())),
                fields("tool_calls", call.list(3).map(JsonValues::array), "thinking", literal("\"hm\"")), 0.4);
    }

    static Gen<JsonNode> tool() {
        return object(fields("role", literal("\"tool\""), "content", text(Shapes.messageText())),
                fields("tool_name", text(Shapes.toolNames()), "tool_call_id", literal("\"call_1\"", "\"call_9\"")), 0.6);
    }

    static Gen<JsonNode> toolDeclaration() {
        return Gen.oneOf(object(fields("type", literal("\"function\""), "function", object(fields("name", text(Shapes.toolNames())),
                        fields("description", text(JsonValues.strings()), "parameters", Shapes.schemas()), 0.6)), fields(), 0),
                literal("{\"type\":\"web_search\"}", "{}", "5"));
    }

    static Gen<JsonNode> format() {
        return Gen.oneOf(literal("\"json\"", "\"\"", "\"yaml\"", "5"), Shapes.schemas());
    }

    static Gen<JsonNode> options() {
        return Shapes.object(fields(), fields(
                "temperature", Gen.doubles(-0.5, 2.5).map(NODES::numberNode),
                "top_p", Gen.doubles(0, 1.2).map(NODES::numberNode),
                "top_k", Gen.ints(-1, 100).map(NODES::numberNode),
                "num_predict", Gen.ints(-3, 4096).map(NODES::numberNode),
                "seed", Gen.anyInt().map(NODES::numberNode),
                "num_ctx", literal("8192"),
                "stop", Gen.oneOf(Shapes.messageText().list(3).map(l ->
                        JsonValues.array(l.stream().map(s -> (JsonNode) NODES.textNode(s)).toList())), literal("\"END\"", "5"))), 0.5)
                .map(n -> (JsonNode) n);
    }

    static Gen<Input> mutatedChats() {
        return Shapes.mutated(chats(), parts());
    }

    static Gen<Input> mutatedGenerates() {
        return Shapes.mutated(generates(), parts());
    }

    /** Chat requests that are valid by Ollama's API: every one must parse. */
    static Gen<Input> validChats() {
        Gen<JsonNode> text = text(Shapes.validText());
        Gen<JsonNode> user = object(fields("role", literal("\"user\""), "content", text), fields(), 0);
        Gen<JsonNode> assistant = object(fields("role", literal("\"assistant\""), "content", text), fields(), 0);
        Gen<JsonNode> turns = r -> {
            var array = NODES.arrayNode();
            if (r.nextBoolean()) array.add(NODES.objectNode().put("role", "system").put("content", "Be brief."));
            array.add(user.next(r));
            for (int i = r.nextInt(3); i > 0; i--) array.add(assistant.next(r)).add(user.next(r));
            return array;
        };
        Gen<ObjectNode> base = Shapes.object(fields("model", Shapes.validModels(), "messages", turns), fields(
                "options", literal("{\"temperature\":0.7,\"top_p\":0.9,\"top_k\":40,\"num_predict\":128,\"stop\":[\"END\"],\"seed\":1}",
                        "{\"num_ctx\":4096,\"repeat_penalty\":1.1}", "{}"),
                "format", Gen.oneOf(literal("\"json\""), Shapes.validSchemas()),
                "stream", Gen.of(true, false).map(NODES::booleanNode),
                "think", literal("false", "\"low\""),
                "keep_alive", literal("\"5m\"", "-1")), 0.3).map(n -> (ObjectNode) n);
        return Shapes.validWithTools(base, (tools, name, r) -> {
            ObjectNode function = tools.addObject().put("type", "function").putObject("function").put("name", name);
            if (r.nextBoolean()) function.put("description", "Does " + name + ".");
            function.set("parameters", Shapes.validSchemas().next(r));
        }, (request, forced, r) -> {
            // Ollama has no tool choice.
        });
    }
}
