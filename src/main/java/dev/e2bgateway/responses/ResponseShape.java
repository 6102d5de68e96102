package dev.e2bgateway.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.e2bgateway.core.CodeRun;
import dev.e2bgateway.core.Finish;
import dev.e2bgateway.core.ToolCall;
import dev.e2bgateway.dialect.Ids;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.tools.Tool;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * The objects of one response on the Responses wire (openai npm 6.49 {@code Response},
 * /work/notes: every key the SDKs require, with their validation on): the response itself in
 * each state, its {@code message} and call items, and {@code usage}.
 */
final class ResponseShape {

    /** What the request said that the response object repeats. */
    record Echo(String instructions, Integer maxOutputTokens, JsonNode metadata, String previousResponseId, boolean store,
                Double temperature, Double topP, JsonNode text, ResponseTools tools, boolean codeOutputs) {}

    private final ObjectMapper json;
    private final String id;
    private final long createdAt;
    private final String model;
    private final Echo echo;

    ResponseShape(ObjectMapper json, String id, long createdAt, String model, Echo echo) {
        this.json = json;
        this.id = id;
        this.createdAt = createdAt;
        this.model = model;
        this.echo = echo;
    }

    String id() {
        return id;
    }

    /** A response in progress: no output yet, no usage. */
    ObjectNode inProgress() {
        return response("in_progress", List.of(), null, null, null);
    }

    /** A finished response: completed, or incomplete when the token limit cut it. */
    ObjectNode finished(List<ObjectNode> output, Finish finish) {
        boolean cut = finish.reason() == Finish.Reason.LENGTH;
        return response(cut ? "incomplete" : "completed", output, finish.usage(), cut ? "max_output_tokens" : null, null);
    }

    /** A response the upstream's failure ended, with what had been written. */
    ObjectNode failed(List<ObjectNode> output, ApiError error) {
        return response("failed", output, null, null, error);
    }

    private ObjectNode response(String status, List<ObjectNode> output, Finish.Usage usage, String incomplete, ApiError error) {
        ObjectNode r = json.createObjectNode();
        r.put("id", id).put("object", "response").put("created_at", createdAt).put("status", status);
        r.put("background", false);
        if (error == null) {
            r.putNull("error");
        } else {
            // The ResponseError codes the SDKs know; the message says what happened.
            r.putObject("error").put("code", error.kind() == ApiError.Kind.RATE_LIMITED ? "rate_limit_exceeded" : "server_error")
                    .put("message", error.getMessage());
        }
        if (incomplete == null) r.putNull("incomplete_details");
        else r.putObject("incomplete_details").put("reason", incomplete);
        if (echo.instructions() == null) r.putNull("instructions");
        else r.put("instructions", echo.instructions());
        if (echo.maxOutputTokens() == null) r.putNull("max_output_tokens");
        else r.put("max_output_tokens", echo.maxOutputTokens());
        r.putNull("max_tool_calls");
        r.put("model", model);
        r.putArray("output").addAll(output);
        r.put("output_text", outputText(output));
        r.put("parallel_tool_calls", echo.tools().parallel());
        if (echo.previousResponseId() == null) r.putNull("previous_response_id");
        else r.put("previous_response_id", echo.previousResponseId());
        r.putNull("reasoning");
        r.put("service_tier", "default");
        r.put("store", echo.store());
        if (echo.temperature() == null) r.putNull("temperature");
        else r.put("temperature", echo.temperature());
        r.set("text", echo.text() == null ? json.createObjectNode().set("format", json.createObjectNode().put("type", "text"))
                : echo.text().deepCopy());
        r.set("tool_choice", echo.tools().choiceEcho(json));
        r.set("tools", echo.tools().echo(json));
        if (echo.topP() == null) r.putNull("top_p");
        else r.put("top_p", echo.topP());
        r.put("truncation", "disabled");
        if (usage == null) r.putNull("usage");
        else r.set("usage", usage(usage));
        r.set("metadata", echo.metadata() == null ? json.createObjectNode() : echo.metadata().deepCopy());
        if (error == null && !status.equals("in_progress")) r.put("completed_at", Instant.now().getEpochSecond());
        return r;
    }

    /**
     * The SDKs' convenience, computed as they compute it (openai npm {@code addOutputText}): the
     * text of every output_text part of every message, joined. The API itself leaves it out, but
     * the openai npm package adds it only to non-streamed responses until its ResponseAccumulator
     * (6.30 and 6.40 do not have it, 6.49 does), so without it {@code stream.finalResponse().output_text}
     * would be undefined there. The other SDKs ignore it.
     */
    private static String outputText(List<ObjectNode> output) {
        StringBuilder text = new StringBuilder();
        for (ObjectNode item : output) {
            if (!"message".equals(item.path("type").asText())) continue;
            for (JsonNode part : item.path("content")) {
                if ("output_text".equals(part.path("type").asText())) text.append(part.path("text").asText());
            }
        }
        return text.toString();
    }

    /** Usage with every detail the SDKs require (openai-java validates {@code cache_write_tokens}); no cache, no hidden reasoning here. */
    private ObjectNode usage(Finish.Usage usage) {
        ObjectNode u = json.createObjectNode().put("input_tokens", usage.promptTokens());
        u.putObject("input_tokens_details").put("cached_tokens", 0).put("cache_write_tokens", 0);
        u.put("output_tokens", usage.completionTokens());
        u.putObject("output_tokens_details").put("reasoning_tokens", 0);
        u.put("total_tokens", usage.totalTokens());
        return u;
    }

    static String messageId() {
        return Ids.unguessable("msg_");
    }

    /** An assistant message with one output_text part; {@code text} null for the opening shape, with no content yet. */
    ObjectNode message(String itemId, String text, String status) {
        ObjectNode m = json.createObjectNode().put("id", itemId).put("type", "message").put("status", status).put("role", "assistant");
        var content = m.putArray("content");
        if (text != null) content.add(textPart(text));
        return m;
    }

    ObjectNode textPart(String text) {
        ObjectNode part = json.createObjectNode().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        part.putArray("logprobs");
        return part;
    }

    static String codeId() {
        return Ids.unguessable("ci_");
    }

    /**
     * A {@code code_interpreter_call} item: {@code run} null while the cell has not run yet.
     * {@code container_id} is the E2B sandbox that ran it (each cell has its own; "" before one
     * answered). The outputs are always kept here, for the stored response a later
     * {@code previous_response_id} replays; {@link #forClient} leaves them out unless asked for.
     */
    ObjectNode codeCall(String itemId, String code, String status, CodeRun run) {
        ObjectNode item = json.createObjectNode().put("id", itemId).put("type", "code_interpreter_call").put("status", status)
                .put("code", code).put("container_id", run == null ? "" : run.sandboxId());
        if (run == null) {
            item.putNull("outputs");
            return item;
        }
        var outputs = item.putArray("outputs");
        String logs = run.logs();
        if (!logs.isEmpty()) outputs.addObject().put("type", "logs").put("logs", logs);
        for (CodeRun.Image image : run.images()) outputs.addObject().put("type", "image").put("url", image.dataUrl());
        return item;
    }

    /**
     * The status a finished cell's item has: {@code completed}, also when the sandbox could not
     * run it (its logs then say so, as OpenAI's own interpreter reports a cell that timed out).
     * Not {@code failed}: the OpenAI Agents SDK takes only in_progress, interpreting and completed
     * when it sends the item back in a later turn's history, and would throw on anything else.
     */
    static String codeStatus(CodeRun run) {
        return "completed";
    }

    /**
     * What the client sees of a response or item: the code interpreter's {@code outputs} only
     * when {@code include} asked for {@code code_interpreter_call.outputs}, as with OpenAI.
     */
    ObjectNode forClient(ObjectNode node) {
        if (echo.codeOutputs()) return node;
        ObjectNode copy = node.deepCopy();
        if ("code_interpreter_call".equals(copy.path("type").asText())) copy.putNull("outputs");
        for (JsonNode item : copy.path("output")) {
            if ("code_interpreter_call".equals(item.path("type").asText())) ((ObjectNode) item).putNull("outputs");
        }
        return copy;
    }

    /** A call's two ids: the item's, and the {@code call_id} its output must name. */
    record CallIds(String itemId, String callId) {
        static CallIds next(boolean custom) {
            return new CallIds(Ids.unguessable(custom ? "ctc_" : "fc_"), Ids.next("call_"));
        }
    }

    boolean custom(ToolCall call) {
        return echo.tools().origin(call.name()).kind() == Tool.Kind.CUSTOM;
    }

    /**
     * A {@code function_call} (arguments as JSON text) or {@code custom_tool_call} (the raw input)
     * item, with {@code namespace} for a namespaced tool; {@code value} null for the opening shape,
     * whose arguments or input are still empty.
     */
    ObjectNode call(ToolCall call, CallIds ids, String value, String status) {
        ResponseTools.Origin origin = echo.tools().origin(call.name());
        boolean custom = origin.kind() == Tool.Kind.CUSTOM;
        ObjectNode item = json.createObjectNode().put("id", ids.itemId()).put("type", custom ? "custom_tool_call" : "function_call")
                .put("status", status);
        item.put(custom ? "input" : "arguments", value == null ? "" : value);
        item.put("call_id", ids.callId()).put("name", origin.name());
        if (origin.namespace() != null) item.put("namespace", origin.namespace());
        return item;
    }

    /** What goes on the wire for a call: its arguments, or a custom tool's raw input. */
    String value(ToolCall call) {
        if (!custom(call)) return call.arguments();
        try {
            JsonNode input = json.readTree(call.arguments()).get(Tool.CUSTOM_INPUT);
            return input == null ? "" : input.isTextual() ? input.asText() : input.toString();
        } catch (IOException e) {
            return call.arguments();
        }
    }
}
