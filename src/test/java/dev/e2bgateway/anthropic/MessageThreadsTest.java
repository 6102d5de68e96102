package dev.e2bgateway.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.RunningGateway;
import okhttp3.Response;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Message threads (a {@code thread} field: the server keeps the conversation, later turns send only
 * new messages) need state the gateway does not hold. @anthropic-ai/sdk's tool runner starts one on
 * its own; if the gateway ignored the field, the runner's next turn would reach the model without
 * its history. The refusal carries the code on which the SDK resends the turn in full, unthreaded.
 */
class MessageThreadsTest {

    @RegisterExtension
    static final RunningGateway server = new RunningGateway();

    @ParameterizedTest
    @ValueSource(strings = {"{\"type\":\"create\"}", "{\"type\":\"continue\",\"previous_message_id\":\"msg_01\"}"})
    void a_thread_is_refused_with_the_code_the_sdks_fall_back_on(String thread) throws Exception {
        String body = "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":100,\"thread\":" + thread
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        try (Response r = server.gateway.post("/v1/messages", body)) {
            assertThat(r.code()).isEqualTo(400);
            JsonNode error = Gateway.json(r);
            assertThat(error.get("type").asText()).isEqualTo("error");
            assertThat(error.at("/error/type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.at("/error/details/error_code").asText()).isEqualTo("thread_unsupported_request");
            assertThat(error.at("/error/message").asText()).contains("thread");
        }
        server.upstream.assertNoRequest();
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "\"absent\""})
    void without_a_thread_errors_carry_no_details(String thread) throws Exception {
        String field = thread.equals("null") ? ",\"thread\":null" : "";
        String body = "{\"model\":\"no-such-model\",\"max_tokens\":100" + field + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        try (Response r = server.gateway.post("/v1/messages", body)) {
            assertThat(r.code()).as("a null thread is no thread: the request gets as far as the model").isEqualTo(404);
            assertThat(Gateway.json(r).at("/error").has("details")).isFalse();
        }
    }
}
