package dev.e2bgateway.responses;

import dev.e2bgateway.dialect.JsonBytes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.e2bgateway.core.BufferedReply;
import dev.e2bgateway.core.ChatRequest;
import dev.e2bgateway.core.InterpreterLoop;
import dev.e2bgateway.core.Finish;
import dev.e2bgateway.core.TokenCounter;
import dev.e2bgateway.core.ToolCall;
import dev.e2bgateway.dialect.Dialect;
import dev.e2bgateway.dialect.ErrorFormat;
import dev.e2bgateway.dialect.Exchange;
import dev.e2bgateway.dialect.Ids;
import dev.e2bgateway.dialect.OpenAiErrors;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.models.ModelRegistry;
import dev.e2bgateway.error.LogSafe;
import dev.e2bgateway.state.ResponseStore;
import dev.e2bgateway.state.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The OpenAI Responses API ({@code POST /v1/responses}), both modes, with stored responses
 * ({@code store}, {@code previous_response_id}, {@code item_reference}) and the endpoints around
 * them: {@code GET} and {@code DELETE /v1/responses/{id}}, {@code GET .../input_items},
 * {@code POST /v1/responses/input_tokens}. Errors have OpenAI's shape, as on chat completions.
 */
public final class ResponsesDialect implements Dialect {

    private final ObjectMapper json;
    private final ResponsesParser parser;
    private final StoredResponses stored;
    private final TokenCounter tokens;
    private final OpenAiErrors errors;

    public ResponsesDialect(ObjectMapper json, Supplier<ModelRegistry> models, TokenCounter tokens, ResponseStore store) {
        this(json, models, tokens, store, false);
    }

    /** @param interpreter whether the built-in code interpreter is on (E2B_CODE_INTERPRETER) */
    public ResponsesDialect(ObjectMapper json, Supplier<ModelRegistry> models, TokenCounter tokens, ResponseStore store, boolean interpreter) {
        this.json = json;
        this.stored = new StoredResponses(json, store);
        this.parser = new ResponsesParser(json, models, stored, interpreter);
        this.tokens = tokens;
        this.errors = new OpenAiErrors(json);
    }

    private static final Logger log = LoggerFactory.getLogger(ResponsesDialect.class);

    @Override
    public Exchange parse(byte[] body, String keyName) {
        ResponsesParser.Parsed parsed = parser.parse(keyName, body, false);
        ResponseShape shape = new ResponseShape(json, Ids.unguessable("resp_"), Instant.now().getEpochSecond(),
                parsed.request().model().answeredBy(), parsed.echo()); // a retired id names its successor
        return new Exchange(parsed.request(), parsed.stream(), true, // every finished response carries usage
                reply -> {
                    boolean cut = reply.finish().reason() == Finish.Reason.LENGTH;
                    List<ObjectNode> output = new ArrayList<>();
                    List<BufferedReply.Part> parts = reply.parts();
                    for (int i = 0; i < parts.size(); i++) {
                        if (parts.get(i) instanceof BufferedReply.TextPart t) {
                            boolean last = i == parts.size() - 1;
                            output.add(shape.message(ResponseShape.messageId(), t.text(), cut && last ? "incomplete" : "completed"));
                        } else if (parts.get(i) instanceof BufferedReply.CodePart c) {
                            output.add(shape.codeCall(ResponseShape.codeId(), c.run().code(), ResponseShape.codeStatus(c.run()), c.run()));
                        }
                    }
                    if (parts.isEmpty() && reply.calls().isEmpty()) {
                        output.add(shape.message(ResponseShape.messageId(), "", cut ? "incomplete" : "completed"));
                    }
                    for (ToolCall call : reply.calls()) {
                        output.add(shape.call(call, ResponseShape.CallIds.next(shape.custom(call)), shape.value(call), "completed"));
                    }
                    ObjectNode response = shape.finished(output, reply.finish());
                    if (!keep(keyName, parsed, response)) reply.header(STORE_FAILED_HEADER, "true");
                    return bytes(shape.forClient(response));
                },
                () -> new ResponseEvents(json, shape, response -> keep(keyName, parsed, response)), parsed.codeInterpreter());
    }

    /**
     * With {@code store}, the finished response is kept before the client hears of it, so its id works at once.
     * A store that fails then does not cost the client the answer it paid for (a retry would pay again): the
     * response says {@code store: false}, a WARN says why, and a non-streamed answer carries
     * {@value #STORE_FAILED_HEADER}. Returns false in that case.
     */
    private boolean keep(String keyName, ResponsesParser.Parsed parsed, ObjectNode response) {
        if (!parsed.store()) return true;
        try {
            stored.save(keyName, response, parsed.input(), parsed.chain());
            return true;
        } catch (StoreUnavailableException e) {
            log.warn("response {} of {} was answered but not stored (store: false): {}", response.path("id").asText(),
                    LogSafe.text(keyName), LogSafe.message(e.getMessage()));
            response.put("store", false);
            return false;
        }
    }

    /** On a non-streamed response whose {@code store: true} could not be honoured (docs/api-responses.md). */
    public static final String STORE_FAILED_HEADER = "x-e2b-gateway-store-failed";

    /**
     * {@code GET /v1/responses/{id}}: the stored response, if the key named {@code keyName} stored
     * it (another key's is a 404 like an unknown id's, as on every endpoint here); replaying it as
     * a stream ({@code stream=true}) is not offered.
     */
    public byte[] retrieve(String keyName, String id, String stream) {
        if ("true".equals(stream)) {
            throw ApiError.invalidRequest("stream", "Replaying a stored response as a stream is not supported here: GET it without stream=true.");
        }
        return bytes(stored.response(keyName, id));
    }

    /** {@code DELETE /v1/responses/{id}}. */
    public byte[] delete(String keyName, String id) {
        return bytes(stored.delete(keyName, id));
    }

    /**
     * {@code GET /v1/responses/{id}/input_items}: the response's own input items (not those of the
     * responses it continues), newest first unless {@code order=asc}.
     */
    public byte[] inputItems(String keyName, String id, String limit, String order, String after) {
        Integer size;
        try {
            size = limit == null ? null : Integer.valueOf(limit);
        } catch (NumberFormatException e) {
            throw ApiError.invalidRequest("limit", "'limit' must be an integer between 1 and 100.");
        }
        return bytes(stored.inputItems(keyName, id, size, order, after));
    }

    /** {@code POST /v1/responses/input_tokens}: the prompt's tokens, counted as a response's {@code usage.input_tokens}. */
    public byte[] inputTokens(String keyName, byte[] body) {
        ResponsesParser.Parsed parsed = parser.parse(keyName, body, true);
        ChatRequest request = parsed.codeInterpreter() ? InterpreterLoop.firstRound(parsed.request()) : parsed.request();
        return bytes(json.createObjectNode().put("object", "response.input_tokens").put("input_tokens", tokens.promptTokens(request)));
    }

    @Override
    public ErrorFormat errors() {
        return errors;
    }

    private byte[] bytes(JsonNode body) {
        return JsonBytes.of(json, body);
    }
}
