package dev.e2bgateway.chatcompletions;

import dev.e2bgateway.dialect.JsonBytes;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.core.ToolCall;
import dev.e2bgateway.dialect.Dialect;
import dev.e2bgateway.dialect.ErrorFormat;
import dev.e2bgateway.dialect.Exchange;
import dev.e2bgateway.dialect.Ids;
import dev.e2bgateway.dialect.OpenAiErrors;
import dev.e2bgateway.models.ModelRegistry;

import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/** OpenAI chat completions ({@code POST /v1/chat/completions}), both modes (docs/wire.md). */
public final class ChatCompletionsDialect implements Dialect {

    private final ObjectMapper json;
    private final ChatCompletionParser parser;
    private final OpenAiErrors errors;

    public ChatCompletionsDialect(ObjectMapper json, Supplier<ModelRegistry> models) {
        this.json = json;
        this.parser = new ChatCompletionParser(json, models);
        this.errors = new OpenAiErrors(json);
    }

    @Override
    public Exchange parse(byte[] body, String keyName) {
        ChatCompletionParser.Parsed parsed = parser.parse(body);
        String id = Ids.next("chatcmpl-");
        long created = Instant.now().getEpochSecond();
        String model = parsed.request().model().answeredBy(); // a retired id names its successor
        OfferedTools tools = new OfferedTools(parsed.request().tools().tools(), parsed.legacyFunctions(), json);
        return new Exchange(parsed.request(), parsed.stream(), !parsed.stream() || parsed.includeUsage(),
                reply -> {
                    List<ToolCall> calls = reply.calls();
                    String text = reply.text();
                    // With calls, content is the text before them, or null when there was none.
                    String content = calls.isEmpty() || !text.isEmpty() ? text : null;
                    ChatCompletion.Message message = tools.legacyFunctions() && !calls.isEmpty()
                            ? new ChatCompletion.Message("assistant", content, null, null,
                                    new ChatCompletion.FunctionBody(calls.get(0).name(), calls.get(0).arguments()))
                            : new ChatCompletion.Message("assistant", content, null,
                                    calls.stream().map(c -> tools.body(c, OfferedTools.newId())).toList(), null);
                    return JsonBytes.of(json, ChatCompletion.of(id, created, model, message,
                                tools.finishReason(reply.finish().reason()), UsageBody.of(reply.finish().usage())));
                },
                () -> new ChunkFrames(json, id, created, model, parsed.includeUsage(), tools));
    }

    @Override
    public ErrorFormat errors() {
        return errors;
    }

}
