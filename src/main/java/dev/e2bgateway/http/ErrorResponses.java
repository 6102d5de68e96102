package dev.e2bgateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.e2bgateway.anthropic.MessageEvents;
import dev.e2bgateway.error.ApiError;
import dev.e2bgateway.openai.ErrorBody;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes every error response: status, OpenAI error body, retry headers. The one place that does. */
public final class ErrorResponses {

    private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);

    private final ObjectMapper json;

    public ErrorResponses(ObjectMapper json) {
        this.json = json;
    }

    private static final String WRITTEN = "e2b.errorWritten";

    /** True if this request's error body has been written (Javalin's status handlers must keep it). */
    public static boolean written(Context ctx) {
        return ctx.attribute(WRITTEN) != null;
    }

    public void write(Context ctx, ApiError error) {
        ctx.attribute(WRITTEN, Boolean.TRUE);
        if (error.status() >= 500) {
            log.error("{} {} {} -> {}: {}", RequestIds.of(ctx), ctx.method(), ctx.path(), error.status(), error.getMessage());
        } else {
            log.warn("{} {} {} -> {}: {}", RequestIds.of(ctx), ctx.method(), ctx.path(), error.status(), error.getMessage());
        }
        if (ctx.res().isCommitted()) return; // a streaming front door reports in-band instead
        boolean anthropic = ctx.path().startsWith("/v1/messages"); // that front door speaks Anthropic's errors
        ctx.status(anthropic ? MessageEvents.status(error) : error.status());
        // The SDKs retry 429 and 5xx unless told this cannot help (shared/docs/openai-wire.md).
        ctx.header("x-should-retry", String.valueOf(error.retryable()));
        if (error.retryAfterSeconds() != null) ctx.header("Retry-After", String.valueOf(error.retryAfterSeconds()));
        ctx.contentType("application/json").result(bytes(anthropic ? MessageEvents.errorBody(json, error) : ErrorBody.of(error)));
    }

    private byte[] bytes(Object body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
