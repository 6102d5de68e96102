package dev.e2bgateway.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.core.ChatRequest;
import dev.e2bgateway.core.Finish;
import dev.e2bgateway.dialect.Dialect;
import dev.e2bgateway.dialect.ErrorFormat;
import dev.e2bgateway.dialect.Exchange;
import dev.e2bgateway.dialect.Ids;
import dev.e2bgateway.dialect.StreamFormat;
import dev.e2bgateway.models.ModelRegistry;

import java.time.Instant;

/** OpenAI chat completions ({@code POST /v1/chat/completions}), both modes (shared/docs/openai-wire.md). */
public final class ChatCompletionsDialect implements Dialect {

    private final ObjectMapper json;
    private final ChatCompletionParser parser;
    private final OpenAiErrors errors;

    public ChatCompletionsDialect(ObjectMapper json, ModelRegistry models) {
        this.json = json;
        this.parser = new ChatCompletionParser(json, models);
        this.errors = new OpenAiErrors(json);
    }

    @Override
    public Exchange parse(byte[] body) {
        ChatCompletionParser.Parsed parsed = parser.parse(body);
        String id = Ids.next("chatcmpl-");
        long created = Instant.now().getEpochSecond();
        String model = parsed.request().model().answeredBy(); // a retired id names its successor
        return new Exchange() {
            @Override
            public ChatRequest request() {
                return parsed.request();
            }

            @Override
            public boolean stream() {
                return parsed.stream();
            }

            @Override
            public boolean wantsUsage() {
                return !parsed.stream() || parsed.includeUsage();
            }

            @Override
            public byte[] reply(String text, Finish finish) {
                try {
                    return json.writeValueAsBytes(ChatCompletion.of(id, created, model, text,
                            finishReason(finish.reason()), UsageBody.of(finish.usage())));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public StreamFormat events() {
                return new ChunkFrames(json, id, created, model, parsed.includeUsage());
            }
        };
    }

    @Override
    public ErrorFormat errors() {
        return errors;
    }

    static String finishReason(Finish.Reason reason) {
        return reason == Finish.Reason.LENGTH ? "length" : "stop";
    }
}
