package dev.e2bgateway.sdk;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.models.Model;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.RunningGateway;
import dev.e2bgateway.support.Script;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The official openai-java SDK against the running gateway. */
class OpenAiJavaSdkTest {

    static final String REPLY = "Streaming through the SDK: 你好 😀 \"quotes\" and\nnewlines.";

    @RegisterExtension
    static final RunningGateway server = new RunningGateway();
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        client = OpenAiJava.clientFor(server.gateway).build();
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    private static ChatCompletionCreateParams params(String model) {
        return ChatCompletionCreateParams.builder().model(model).addSystemMessage("Be brief.").addUserMessage("Hello").build();
    }

    @Test
    void lists_and_retrieves_models() {
        List<Model> models = client.models().list().data();
        assertThat(models).extracting(Model::id).contains("gpt-4o", "claude-sonnet-4-5-20250929", "models/gemini-2.0-flash")
                .doesNotContain("claude-3-7-sonnet-latest"); // retired: answers, not listed
        assertThat(client.models().retrieve("gpt-4o").ownedBy()).isEqualTo("openai");
        assertThat(client.models().retrieve("claude-3-7-sonnet-latest").ownedBy()).isEqualTo("anthropic");
        assertThatThrownBy(() -> client.models().retrieve("no-such-model")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void completes_a_chat() {
        server.upstream.enqueue(Script.ok(Fragments.json("c", REPLY)).splitEvery(4));
        ChatCompletion completion = client.chat().completions().create(params("gpt-4o"));
        assertThat(completion.choices()).hasSize(1);
        assertThat(completion.choices().get(0).message().content()).contains(REPLY);
        assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(completion.usage().orElseThrow().totalTokens()).isPositive();
    }

    @Test
    void streams_a_chat_and_the_accumulator_rebuilds_it() {
        server.upstream.enqueue(Script.ok(Fragments.jsonAsciiEscaped("c", REPLY)).splitEvery(3));
        ChatCompletionCreateParams params = params("claude-3-7-sonnet-latest").toBuilder()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> {
                accumulator.accumulate(chunk);
                chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
            });
        }
        assertThat(text.toString()).isEqualTo(REPLY);
        ChatCompletion rebuilt = accumulator.chatCompletion();
        assertThat(rebuilt.choices().get(0).message().content()).contains(REPLY);
        assertThat(rebuilt.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(rebuilt.usage().orElseThrow().completionTokens()).isPositive();
    }

    @Test
    void raises_an_error_sent_after_the_stream_started() {
        String body = Fragments.json("c", "cut short");
        server.upstream.enqueue(Script.ok(body).truncate(body.length() - 4));
        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params("gpt-4o"))) {
                stream.stream().forEach(chunk -> { });
            }
        }).isInstanceOf(OpenAIException.class).hasMessageContaining("reply was cut off");
    }

    @Test
    void picks_the_exception_class_by_status() {
        assertThatThrownBy(() -> client.chat().completions().create(params("gpt-4o").toBuilder().n(3).build()))
                .isInstanceOf(BadRequestException.class);
        OpenAIClient wrongKey = OpenAiJava.clientFor(server.gateway).apiKey("sk-wrong").build();
        try {
            assertThatThrownBy(() -> wrongKey.models().list()).isInstanceOf(UnauthorizedException.class);
        } finally {
            wrongKey.close();
        }
        assertThatThrownBy(() -> client.chat().completions().create(params("gpt-99"))).isInstanceOf(NotFoundException.class);

        server.upstream.enqueue(Script.status(429, "You have reached your request limit for the day.")
                .header("X-RateLimit-Reset", String.valueOf(System.currentTimeMillis() + 3_600_000)));
        assertThatThrownBy(() -> client.chat().completions().create(params("gpt-4o"))).isInstanceOf(RateLimitException.class)
                .hasMessageContaining("limit for the day");

        server.upstream.enqueue(Script.status(500, "An unexpected error has occurred. Please try again later."));
        assertThatThrownBy(() -> client.chat().completions().create(params("gpt-4o"))).isInstanceOf(InternalServerException.class);
    }
}
