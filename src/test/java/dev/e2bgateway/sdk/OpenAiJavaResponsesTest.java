package dev.e2bgateway.sdk;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.inputtokens.InputTokenCountParams;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.RunningGateway;
import dev.e2bgateway.support.Script;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The official openai-java SDK's Responses API against the gateway, with response validation on:
 * every field its models mark required must be there, in every event.
 */
class OpenAiJavaResponsesTest {

    static final String REPLY = "Responses through the SDK: 你好 😀 \"quotes\" and\nnewlines.";

    @RegisterExtension
    static final RunningGateway server = new RunningGateway();
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        client = OpenAiJava.clientFor(server.gateway).responseValidation(true).build();
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    static final FunctionTool WEATHER = FunctionTool.builder().name("get_weather").description("Weather for a city.")
            .parameters(FunctionTool.Parameters.builder()
                    .putAdditionalProperty("type", JsonValue.from("object"))
                    .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                    .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                    .build())
            .strict(false).build();

    static String text(Response response) {
        return response.output().stream().flatMap(o -> o.message().stream()).flatMap(m -> m.content().stream())
                .map(c -> c.asOutputText().text()).reduce("", String::concat);
    }

    @Test
    void creates_retrieves_counts_and_deletes_a_response() {
        server.upstream.enqueue(Script.ok(Fragments.json("c", REPLY)).splitEvery(4));
        Response response = client.responses().create(ResponseCreateParams.builder().model("gpt-4o").instructions("Be brief.")
                .input("Hello").build());
        assertThat(response.id()).startsWith("resp_");
        assertThat(response.status()).contains(ResponseStatus.COMPLETED);
        assertThat(text(response)).isEqualTo(REPLY);
        assertThat(response.usage().orElseThrow().totalTokens()).isPositive();
        assertThat(response.usage().orElseThrow().inputTokensDetails().cachedTokens()).isZero();

        assertThat(client.responses().retrieve(response.id()).output()).isEqualTo(response.output());
        assertThat(client.responses().inputItems().list(response.id()).data()).hasSize(1);
        assertThat(client.responses().inputTokens().count(InputTokenCountParams.builder().model("gpt-4o").input("Hello there").build())
                .inputTokens()).isPositive();
        client.responses().delete(response.id());
        assertThatThrownBy(() -> client.responses().retrieve(response.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> client.responses().create(ResponseCreateParams.builder().model("gpt-4o")
                .previousResponseId(response.id()).input("Again").build())).isInstanceOf(BadRequestException.class);
    }

    @Test
    void streams_a_response_and_the_accumulator_rebuilds_it() {
        server.upstream.enqueue(Script.ok(Fragments.jsonAsciiEscaped("c", REPLY)).splitEvery(3));
        ResponseAccumulator accumulator = ResponseAccumulator.create();
        StringBuilder deltas = new StringBuilder();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(
                ResponseCreateParams.builder().model("claude-3-7-sonnet-latest").input("Hello").build())) {
            stream.stream().forEach(event -> {
                accumulator.accumulate(event);
                event.outputTextDelta().ifPresent(d -> deltas.append(d.delta()));
            });
        }
        Response response = accumulator.response();
        assertThat(deltas.toString()).isEqualTo(REPLY);
        assertThat(text(response)).isEqualTo(REPLY);
        assertThat(response.status()).contains(ResponseStatus.COMPLETED);
        assertThat(response.model()).isEqualTo(com.openai.models.ResponsesModel.ofString("claude-sonnet-4-5-20250929"));
        assertThat(response.usage().orElseThrow().outputTokens()).isPositive();
    }

    @Test
    void a_function_call_round_trip_in_both_modes() {
        String call = "Let me look.\n<tool_calls>\n<invoke name=\"get_weather\">\n<parameter name=\"city\">Paris</parameter>\n</invoke>\n</tool_calls>";
        ResponseCreateParams ask = ResponseCreateParams.builder().model("gpt-4o").input("Weather in Paris?").addTool(WEATHER).build();

        server.upstream.enqueue(Script.ok(Fragments.json("c", call)).splitEvery(6));
        Response first = client.responses().create(ask);
        ResponseFunctionToolCall functionCall = first.output().stream().filter(ResponseOutputItem::isFunctionCall)
                .map(ResponseOutputItem::asFunctionCall).findFirst().orElseThrow();
        assertThat(functionCall.name()).isEqualTo("get_weather");
        assertThat(functionCall.arguments()).isEqualTo("{\"city\":\"Paris\"}");

        server.upstream.enqueue(Script.ok(Fragments.json("c", call)).splitEvery(6));
        ResponseAccumulator accumulator = ResponseAccumulator.create();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(ask)) {
            stream.stream().forEach(accumulator::accumulate);
        }
        ResponseFunctionToolCall streamed = accumulator.response().output().stream().filter(ResponseOutputItem::isFunctionCall)
                .map(ResponseOutputItem::asFunctionCall).findFirst().orElseThrow();
        assertThat(streamed.arguments()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(text(accumulator.response())).isEqualTo("Let me look.\n");

        server.upstream.enqueue(Script.reply("It is 18 C in Paris."));
        Response answer = client.responses().create(ResponseCreateParams.builder().model("gpt-4o").addTool(WEATHER)
                .previousResponseId(first.id())
                .inputOfResponse(List.of(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                        .callId(functionCall.callId()).output("18 C, sunny").build())))
                .build());
        assertThat(text(answer)).isEqualTo("It is 18 C in Paris.");
        server.upstream.takeRequest();
        server.upstream.takeRequest();
        String lastUser = server.upstream.takeRequest().body().at("/messages/2/content/0/text").asText();
        assertThat(lastUser).contains("call_id=\"" + functionCall.callId() + "\"", "18 C, sunny");
    }

    @Test
    void a_stream_cut_by_the_upstream_ends_failed() {
        String full = Fragments.json("c", "this reply is cut off");
        server.upstream.enqueue(Script.ok(full).truncate(full.length() - 6));
        ResponseAccumulator accumulator = ResponseAccumulator.create();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(
                ResponseCreateParams.builder().model("gpt-4o").input("Hello").build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        Response response = accumulator.response();
        assertThat(response.status()).contains(ResponseStatus.FAILED);
        assertThat(response.error().orElseThrow().message()).isNotEmpty();
    }
}
