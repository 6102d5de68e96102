package dev.e2bgateway.sdk;

import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.errors.ApiException;
import com.google.genai.types.Content;
import com.google.genai.types.FunctionCall;
import com.google.genai.types.FunctionDeclaration;
import com.google.genai.types.FunctionResponse;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.google.genai.types.ListModelsConfig;
import com.google.genai.types.Model;
import com.google.genai.types.Part;
import com.google.genai.types.Schema;
import com.google.genai.types.Tool;
import com.google.genai.types.Type;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.RunningGateway;
import dev.e2bgateway.support.Script;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Google's Java SDK (com.google.genai:google-genai) against the Gemini door. */
class GeminiJavaSdkTest {

    static final String REPLY = "From Java: 你好 😀 \"ok\"\nline two.";
    static final String MODEL = "gemini-2.5-flash";

    @RegisterExtension
    static final RunningGateway server = new RunningGateway(Map.of("E2B_GEMINI_MODEL", "gpt-4o"));

    static Client client(String key) {
        return Client.builder().apiKey(key).httpOptions(HttpOptions.builder().baseUrl(server.gateway.baseUrl())
                .retryOptions(HttpRetryOptions.builder().attempts(1)).build()).build();
    }

    @Test
    void generates_streams_counts_and_lists() {
        Client client = client(Gateway.KEY);
        server.upstream.enqueue(Script.ok(Fragments.json("c", REPLY))).enqueue(Script.ok(Fragments.jsonAsciiEscaped("c", REPLY)).splitEvery(3));
        GenerateContentResponse generated = client.models.generateContent(MODEL, "Hello", null);
        assertThat(generated.text()).isEqualTo(REPLY);
        assertThat(generated.modelVersion()).hasValue("gpt-4o");
        assertThat(generated.usageMetadata().orElseThrow().totalTokenCount().orElseThrow()).isPositive();
        StringBuilder streamed = new StringBuilder();
        int chunks = 0;
        try (ResponseStream<GenerateContentResponse> stream = client.models.generateContentStream(MODEL, "Hello", null)) {
            for (GenerateContentResponse chunk : stream) {
                chunks++;
                if (chunk.text() != null) streamed.append(chunk.text());
            }
        }
        assertThat(streamed.toString()).isEqualTo(REPLY);
        assertThat(chunks).isGreaterThan(2);
        assertThat(client.models.countTokens(MODEL, "How many tokens?", null).totalTokens().orElseThrow()).isPositive();
        List<String> names = new ArrayList<>();
        for (Model m : client.models.list(ListModelsConfig.builder().build())) names.add(m.name().orElseThrow());
        assertThat(names).isNotEmpty().allSatisfy(n -> assertThat(n).startsWith("models/"));
    }

    @Test
    void a_function_calling_round_trip_with_parallel_calls() {
        Client client = client(Gateway.KEY);
        server.upstream.enqueue(Script.ok(Fragments.json("c", GeminiNodeSdkIT.TWO_CALLS))).enqueue(Script.reply("3 C at noon."));
        Tool tool = Tool.builder().functionDeclarations(
                FunctionDeclaration.builder().name("get_weather").description("Weather of a city")
                        .parametersJsonSchema(Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string")))).build(),
                FunctionDeclaration.builder().name("get_time").description("Time in a zone")
                        .parameters(Schema.builder().type(Type.Known.OBJECT).properties(Map.of("zone", Schema.builder().type(Type.Known.STRING).build())))
                        .build()).build();
        GenerateContentConfig config = GenerateContentConfig.builder().tools(tool).build();
        Content question = Content.fromParts(Part.fromText("Weather and time in Oslo?"));
        GenerateContentResponse called = client.models.generateContent(MODEL, List.of(question), config);
        List<FunctionCall> calls = called.functionCalls();
        assertThat(calls).extracting(c -> c.name().orElseThrow()).containsExactly("get_weather", "get_time");
        assertThat(calls.get(0).args().orElseThrow()).isEqualTo(Map.of("city", "Oslo"));
        Content results = Content.builder().role("user").parts(
                Part.builder().functionResponse(FunctionResponse.builder().id(calls.get(1).id().orElseThrow()).name("get_time")
                        .response(Map.of("output", "12:00"))).build(),
                Part.builder().functionResponse(FunctionResponse.builder().id(calls.get(0).id().orElseThrow()).name("get_weather")
                        .response(Map.of("output", "3 C"))).build()).build();
        GenerateContentResponse answered = client.models.generateContent(MODEL,
                List.of(question, called.candidates().orElseThrow().get(0).content().orElseThrow(), results), config);
        assertThat(answered.text()).isEqualTo("3 C at noon.");
        server.upstream.takeRequest();
        String sent = server.upstream.takeRequest().body().at("/messages/2/content/0/text").asText();
        assertThat(sent.indexOf(calls.get(0).id().orElseThrow())).isNotNegative().isLessThan(sent.indexOf(calls.get(1).id().orElseThrow()));
    }

    @Test
    void errors_carry_googles_code_and_status() {
        assertThatThrownBy(() -> client("wrong").models.generateContent(MODEL, "x", null))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(401);
                    assertThat(e.status()).isEqualTo("UNAUTHENTICATED");
                });
        server.upstream.enqueue(Script.status(429, "You have reached your request limit for the day.")).enqueue(Script.status(500, ""));
        assertThatThrownBy(() -> client(Gateway.KEY).models.generateContent(MODEL, "x", null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo("RESOURCE_EXHAUSTED"));
        assertThatThrownBy(() -> client(Gateway.KEY).models.generateContent(MODEL, "x", null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(500));
    }
}
