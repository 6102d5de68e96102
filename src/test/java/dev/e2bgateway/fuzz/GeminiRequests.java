package dev.e2bgateway.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

import static dev.e2bgateway.fuzz.JsonValues.NODES;
import static dev.e2bgateway.fuzz.Shapes.fields;
import static dev.e2bgateway.fuzz.Shapes.literal;
import static dev.e2bgateway.fuzz.Shapes.object;
import static dev.e2bgateway.fuzz.Shapes.text;

/**
 * Gemini {@code generateContent} bodies as clients send them: user and model turns with text,
 * inline images, file URIs, function calls and responses (with and without ids), thought
 * signatures; tools in both schema dialects; every calling mode; generation config with structured
 * output and thinking. Most are valid; the mutations make them not.
 */
final class GeminiRequests {

    private GeminiRequests() {
    }

    static Gen<ObjectNode> requests() {
        Gen<JsonNode> turns = Gen.combine(user(), Gen.combine(model(), user()).as((m, u) -> JsonValues.array(List.of(m, u))).list(2))
                .as((first, pairs) -> {
                    var array = NODES.arrayNode().add(first);
                    pairs.forEach(array::addAll);
                    return (JsonNode) array;
                });
        return Shapes.object(fields("contents", turns), fields(
                "systemInstruction", Gen.oneOf(object(fields("parts", textPart().list(2).map(JsonValues::array)), fields("role", literal("\"user\"")), 0.5),
                        text(Shapes.messageText()), literal("{\"parts\":[{\"inlineData\":{}}]}", "5")),
                "tools", tool().list(3).map(JsonValues::array),
                "toolConfig", toolConfig(),
                "generationConfig", generationConfig(),
                "safetySettings", literal("[{\"category\":\"HARM_CATEGORY_HARASSMENT\",\"threshold\":\"BLOCK_NONE\"}]")), 0.4)
                .map(n -> (ObjectNode) n);
    }

    static Gen<JsonNode> parts() {
        return Gen.oneOf(user(), model(), textPart(), imagePart(), callPart(), responsePart(), tool(), toolConfig(),
                generationConfig(), Shapes.schemas());
    }

    static Gen<JsonNode> user() {
        return object(fields("parts", Gen.oneOf(textPart(), imagePart(), responsePart()).list(1, 3).map(JsonValues::array)),
                fields("role", literal("\"user\"", "\"function\"", "\"\"", "\"system\"")), 0.8);
    }

    static Gen<JsonNode> model() {
        return object(fields("role", literal("\"model\""), "parts", Gen.oneOf(textPart(), callPart(),
                literal("{\"text\":\"hmm\",\"thought\":true}", "{\"thoughtSignature\":\"c2ln\"}")).list(1, 3).map(JsonValues::array)), fields(), 0);
    }

    static Gen<JsonNode> textPart() {
        return object(fields("text", text(Shapes.messageText())), fields("thoughtSignature", literal("\"c2ln\"", "5")), 0.2);
    }

    static Gen<JsonNode> imagePart() {
        return Gen.oneOf(
                object(fields("inlineData", object(fields("mimeType", literal("\"image/png\"", "\"audio/wav\"", "\"\"", "5"),
                        "data", literal("\"iVBORw0KGgo=\"", "\"\"", "7")), fields(), 0)), fields(), 0),
                object(fields("fileData", object(fields("fileUri", literal("\"https://example.invalid/cat.png\"", "\"gs://b/a.png\"",
                        "\"file:///etc/passwd\"", "null")), fields("mimeType", literal("\"image/png\"", "\"application/pdf\"")), 0.7)), fields(), 0),
                literal("{\"videoMetadata\":{}}", "{}", "{\"executableCode\":{\"code\":\"1\"}}"));
    }

    static Gen<JsonNode> callPart() {
        return object(fields("functionCall", object(fields("name", text(Shapes.toolNames())),
                fields("id", literal("\"fc-1\"", "\"fc-2\"", "\"\"", "5"), "args", literal("{}", "{\"city\":\"Oslo\"}", "[]", "\"x\"", "null")), 0.6)),
                fields("thoughtSignature", literal("\"c2ln\"")), 0.5);
    }

    static Gen<JsonNode> responsePart() {
        return object(fields("functionResponse", object(fields("name", text(Shapes.toolNames())),
                fields("id", literal("\"fc-1\"", "\"fc-2\"", "\"\"", "null"), "response", literal("{\"output\":\"ok\"}",
                        "{\"error\":\"no\"}", "{\"output\":{\"a\":[1]}}", "{}", "\"text\"", "null")), 0.6)), fields(), 0);
    }

    static Gen<JsonNode> tool() {
        Gen<JsonNode> declaration = object(fields("name", text(Shapes.toolNames())), fields("description", text(JsonValues.strings()),
                "parametersJsonSchema", Shapes.schemas(),
                "parameters", Gen.oneOf(Shapes.schemas(), literal("{\"type\":\"OBJECT\",\"properties\":{\"city\":{\"type\":\"STRING\","
                        + "\"nullable\":true}},\"propertyOrdering\":[\"city\"]}", "{\"type\":\"ARRAY\",\"items\":{\"type\":\"INTEGER\"}}"))), 0.5);
        return Gen.oneOf(object(fields("functionDeclarations", declaration.list(3).map(JsonValues::array)), fields(), 0),
                literal("{\"googleSearch\":{}}", "{\"codeExecution\":{}}", "{\"functionDeclarations\":5}"));
    }

    static Gen<JsonNode> toolConfig() {
        return object(fields("functionCallingConfig", object(fields(), fields("mode", literal("\"AUTO\"", "\"ANY\"", "\"NONE\"",
                "\"VALIDATED\"", "\"sometimes\"", "5"), "allowedFunctionNames", Gen.oneOf(text(Shapes.toolNames()).list(2).map(JsonValues::array),
                literal("\"get_weather\""))), 0.7)), fields(), 0);
    }

    static Gen<JsonNode> generationConfig() {
        return object(fields(), fields(
                "temperature", Gen.doubles(-0.5, 2.5).map(NODES::numberNode),
                "topP", Gen.doubles(0, 1.2).map(NODES::numberNode),
                "topK", Gen.ints(-1, 100).map(NODES::numberNode),
                "maxOutputTokens", Gen.ints(0, 100_000).map(NODES::numberNode),
                "candidateCount", literal("1", "2"),
                "stopSequences", literal("[\"END\"]", "[]", "\"END\"", "[1,2,3,4,5,6]"),
                "responseMimeType", literal("\"application/json\"", "\"text/plain\"", "\"text/x.enum\""),
                "responseSchema", Shapes.schemas(),
                "responseJsonSchema", Shapes.schemas(),
                "thinkingConfig", literal("{\"includeThoughts\":true,\"thinkingBudget\":-1}", "{\"thinkingLevel\":\"HIGH\"}")), 0.3);
    }

    static Gen<Input> mutated() {
        return Shapes.mutated(requests(), parts());
    }

    static Gen<Input> plain() {
        return Shapes.written(requests());
    }
}
