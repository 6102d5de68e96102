package dev.e2bgateway.anthropic;

import dev.e2bgateway.dialect.JsonBytes;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.core.ChatRequest;
import dev.e2bgateway.core.InterpreterLoop;
import dev.e2bgateway.core.TokenCounter;
import dev.e2bgateway.dialect.Dialect;
import dev.e2bgateway.dialect.ErrorFormat;
import dev.e2bgateway.dialect.Exchange;
import dev.e2bgateway.dialect.Ids;
import dev.e2bgateway.models.ModelRegistry;

import java.util.Map;
import java.util.function.Supplier;

/** Anthropic messages ({@code POST /v1/messages}), both modes, and {@code count_tokens}. */
public final class MessagesDialect implements Dialect {

    private final ObjectMapper json;
    private final MessagesParser parser;
    private final TokenCounter tokens;
    private final AnthropicErrors errors;

    public MessagesDialect(ObjectMapper json, Supplier<ModelRegistry> models, TokenCounter tokens) {
        this(json, models, tokens, false);
    }

    /** @param interpreter whether the code execution tool is on (E2B_CODE_INTERPRETER) */
    public MessagesDialect(ObjectMapper json, Supplier<ModelRegistry> models, TokenCounter tokens, boolean interpreter) {
        this.json = json;
        this.parser = new MessagesParser(json, models, interpreter);
        this.tokens = tokens;
        this.errors = new AnthropicErrors(json);
    }

    @Override
    public Exchange parse(byte[] body, String keyName) {
        MessagesParser.Parsed parsed = parser.parse(body);
        ChatRequest request = parsed.request();
        ChatRequest counted = parsed.codeInterpreter() ? InterpreterLoop.firstRound(request) : request;
        MessageEvents events = new MessageEvents(json, Ids.next("msg_"), request.model().answeredBy(),
                () -> tokens.promptTokens(counted));
        return new Exchange(request, parsed.stream(), true, // every message and message_delta carries usage
                reply -> bytes(parsed.codeInterpreter() ? events.message(reply.parts(), reply.calls(), reply.finish())
                        : events.message(reply.text(), reply.calls(), reply.finish())),
                () -> events, parsed.codeInterpreter());
    }

    /** {@code POST /v1/messages/count_tokens}: the same request shape, without {@code max_tokens}. */
    public byte[] countTokens(byte[] body) {
        MessagesParser.Parsed parsed = parser.parseForCounting(body);
        ChatRequest request = parsed.codeInterpreter() ? InterpreterLoop.firstRound(parsed.request()) : parsed.request();
        return bytes(Map.of("input_tokens", tokens.promptTokens(request)));
    }

    @Override
    public ErrorFormat errors() {
        return errors;
    }

    private byte[] bytes(Object body) {
        return JsonBytes.of(json, body);
    }
}
