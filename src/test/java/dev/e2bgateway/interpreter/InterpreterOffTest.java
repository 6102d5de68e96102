package dev.e2bgateway.interpreter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.RunningGateway;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** With E2B_CODE_INTERPRETER off (the default), asking for the built-in interpreter is a 400 that says how to turn it on. */
class InterpreterOffTest {

    @RegisterExtension
    static final RunningGateway server = new RunningGateway();

    @Test
    void a_responses_request_with_code_interpreter_is_a_400_naming_the_setting() throws IOException {
        String body = "{\"model\":\"gpt-4o\",\"input\":\"plot a sine\",\"tools\":[{\"type\":\"code_interpreter\",\"container\":{\"type\":\"auto\"}}]}";
        try (Response r = server.gateway.post("/v1/responses", body)) {
            assertThat(r.code()).isEqualTo(400);
            JsonNode error = Gateway.json(r).get("error");
            assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.get("param").asText()).isEqualTo("tools[0].type");
            assertThat(error.get("message").asText()).contains("E2B_CODE_INTERPRETER=on");
        }
        server.upstream.assertNoRequest();
    }

    @Test
    void a_messages_request_with_either_code_execution_tool_is_a_400_in_anthropics_shape_naming_the_setting() throws IOException {
        for (String type : new String[]{"code_execution_20250522", "code_execution_20250825"}) {
            String body = "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                    + "\"tools\":[{\"type\":\"" + type + "\",\"name\":\"code_execution\"}]}";
            try (Response r = server.gateway.post("/v1/messages", body)) {
                assertThat(r.code()).isEqualTo(400);
                JsonNode json = Gateway.json(r);
                assertThat(json.get("type").asText()).isEqualTo("error");
                assertThat(json.at("/error/type").asText()).isEqualTo("invalid_request_error");
                assertThat(json.at("/error/message").asText()).contains("tools.0.type", "E2B_CODE_INTERPRETER=on");
            }
        }
        server.upstream.assertNoRequest();
    }
}
