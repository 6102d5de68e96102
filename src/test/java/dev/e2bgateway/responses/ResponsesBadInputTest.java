package dev.e2bgateway.responses;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.RunningGateway;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** Responses requests that must be refused with a clear 400 in OpenAI's shape, and never reach the upstream. */
class ResponsesBadInputTest {

    @RegisterExtension
    static final RunningGateway server = new RunningGateway();

    static final String M = "\"model\":\"gpt-4o\",";
    static final String IN = "\"input\":\"hi\"";

    enum Bad {
        NOT_JSON("{\"model\": ", null, "not valid JSON"),
        NO_MODEL("{" + IN + "}", "model", "'model' is a required property"),
        NO_INPUT("{\"model\":\"gpt-4o\"}", "input", "'input' is a required property"),
        INPUT_NUMBER("{" + M + "\"input\":42}", "input", "a string or an array"),
        ITEM_NOT_OBJECT("{" + M + "\"input\":[\"hi\"]}", "input[0]", "must be an object"),
        ITEM_WITHOUT_TYPE("{" + M + "\"input\":[{\"content\":\"hi\"}]}", "input[0].type", "needs a 'type'"),
        BAD_ROLE("{" + M + "\"input\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}", "input[0].role", "Invalid role"),
        NO_CONTENT("{" + M + "\"input\":[{\"role\":\"user\"}]}", "input[0].content", "Missing content"),
        CONTENT_NUMBER("{" + M + "\"input\":[{\"role\":\"user\",\"content\":7}]}", "input[0].content", "a string or an array"),
        INPUT_FILE("{" + M + "\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_file\",\"file_id\":\"file_1\"}]}]}",
                "input[0].content[0].type", "input_file"),
        IMAGE_BY_FILE_ID("{" + M + "\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\",\"file_id\":\"file_1\",\"detail\":\"auto\"}]}]}",
                "input[0].content[0].image_url", "file_id"),
        IMAGE_FOR_TEXT_MODEL("{\"model\":\"mistral-large-latest\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\","
                + "\"image_url\":\"data:image/png;base64,iVBORw0KGgo=\",\"detail\":\"auto\"}]}]}", "input[0].content[0]", "does not accept images"),
        IMAGE_FILE_URL("{" + M + "\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\",\"image_url\":\"file:///etc/passwd\"}]}]}",
                "input[0].content[0].image_url", "http(s) URLs or data: URLs"),
        CALL_WITHOUT_CALL_ID("{" + M + "\"input\":[{\"role\":\"user\",\"content\":\"x\"},{\"type\":\"function_call\",\"name\":\"f\",\"arguments\":\"{}\"}]}",
                "input[1].call_id", "required"),
        CALL_ARGUMENTS_OBJECT("{" + M + "\"input\":[{\"role\":\"user\",\"content\":\"x\"},{\"type\":\"function_call\",\"call_id\":\"c\",\"name\":\"f\",\"arguments\":{}}]}",
                "input[1].arguments", "JSON text"),
        OUTPUT_MISSING("{" + M + "\"input\":[{\"role\":\"user\",\"content\":\"x\"},{\"type\":\"function_call_output\",\"call_id\":\"c\"}]}",
                "input[1].output", "a string or an array"),
        ONLY_DEVELOPER("{" + M + "\"input\":[{\"role\":\"developer\",\"content\":\"be nice\"}]}", "input", "user message"),
        TEMPERATURE("{" + M + IN + ",\"temperature\":3}", "temperature", "between 0 and 2"),
        TOP_P("{" + M + IN + ",\"top_p\":\"high\"}", "top_p", "expected a number"),
        MAX_OUTPUT_TOKENS("{" + M + IN + ",\"max_output_tokens\":0}", "max_output_tokens", "at least 1"),
        STREAM_TYPE("{" + M + IN + ",\"stream\":\"yes\"}", "stream", "a boolean"),
        STORE_TYPE("{" + M + IN + ",\"store\":\"yes\"}", "store", "a boolean"),
        INSTRUCTIONS_TYPE("{" + M + IN + ",\"instructions\":[1]}", "instructions", "expected a string"),
        FORMAT_TYPE("{" + M + IN + ",\"text\":{\"format\":{\"type\":\"xml\"}}}", "text.format.type", "must be"),
        SCHEMA_MISSING("{" + M + IN + ",\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"x\"}}}", "text.format.schema", "JSON Schema object"),
        METADATA("{" + M + IN + ",\"metadata\":{\"n\":1}}", "metadata.n", "strings"),
        TOOLS_NOT_ARRAY("{" + M + IN + ",\"tools\":{}}", "tools", "an array"),
        TOOL_WITHOUT_NAME("{" + M + IN + ",\"tools\":[{\"type\":\"function\",\"parameters\":{}}]}", "tools[0].name", "needs a name"),
        TOOL_PARAMETERS("{" + M + IN + ",\"tools\":[{\"type\":\"function\",\"name\":\"f\",\"parameters\":\"x\"}]}", "tools[0].parameters", "JSON Schema"),
        NAMESPACE_WITHOUT_TOOLS("{" + M + IN + ",\"tools\":[{\"type\":\"namespace\",\"name\":\"crm\",\"description\":\"d\"}]}",
                "tools[0].tools", "namespace needs 'tools'"),
        CHOICE_UNKNOWN_TOOL("{" + M + IN + ",\"tools\":[{\"type\":\"function\",\"name\":\"f\"}],\"tool_choice\":{\"type\":\"function\",\"name\":\"g\"}}",
                "tool_choice", "not among the tools"),
        CHOICE_BUILT_IN("{" + M + IN + ",\"tools\":[{\"type\":\"function\",\"name\":\"f\"}],\"tool_choice\":{\"type\":\"web_search_preview\"}}",
                "tool_choice.type", "built-in tool"),
        PARALLEL_TYPE("{" + M + IN + ",\"parallel_tool_calls\":\"no\"}", "parallel_tool_calls", "a boolean"),
        PREVIOUS_TYPE("{" + M + IN + ",\"previous_response_id\":7}", "previous_response_id", "expected a string"),
        CONVERSATION("{" + M + IN + ",\"conversation\":\"conv_1\"}", "conversation", "previous_response_id"),
        PROMPT("{" + M + IN + ",\"prompt\":{\"id\":\"pmpt_1\"}}", "prompt", "not supported");

        final String body;
        final String param;
        final String message;

        Bad(String body, String param, String message) {
            this.body = body;
            this.param = param;
            this.message = message;
        }
    }

    @ParameterizedTest
    @EnumSource(Bad.class)
    void a_bad_request_is_a_400_naming_the_field_and_never_reaches_the_upstream(Bad bad) throws IOException {
        try (Response r = server.gateway.post("/v1/responses", bad.body)) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(r.header("x-should-retry")).isEqualTo("false");
            String text = r.body().string();
            JsonNode error = Gateway.json(text).get("error");
            assertThat(error.fieldNames()).toIterable().containsExactly("message", "type", "param", "code");
            assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.get("message").asText()).contains(bad.message);
            if (bad.param == null) assertThat(error.get("param").isNull()).isTrue();
            else assertThat(error.get("param").asText()).isEqualTo(bad.param);
            assertThat(text).doesNotContain("Exception", "dev.e2bgateway", "com.fasterxml");
        }
        server.upstream.assertNoRequest();
    }

    @Test
    void an_unknown_model_is_a_404_model_not_found_and_a_wrong_key_a_401_both_in_openais_shape() throws IOException {
        try (Response r = server.gateway.post("/v1/responses", "{\"model\":\"gpt-99\",\"input\":\"hi\"}")) {
            assertThat(r.code()).isEqualTo(404);
            assertThat(Gateway.json(r).at("/error/code").asText()).isEqualTo("model_not_found");
        }
        for (String path : new String[]{"/v1/responses", "/v1/responses/input_tokens"}) {
            try (Response r = server.gateway.http.newCall(new okhttp3.Request.Builder().url(server.gateway.baseUrl() + path)
                    .header("Authorization", "Bearer sk-wrong")
                    .post(okhttp3.RequestBody.create("{}", okhttp3.MediaType.get("application/json"))).build()).execute()) {
                assertThat(r.code()).isEqualTo(401);
                assertThat(Gateway.json(r).at("/error/code").asText()).isEqualTo("invalid_api_key");
            }
        }
        server.upstream.assertNoRequest();
    }

    @Test
    void item_types_the_upstream_cannot_use_are_skipped_never_a_400() throws IOException {
        String b = "{" + M + "\"store\":false,\"input\":[{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[]},"
                + "{\"type\":\"compaction\",\"id\":\"cmp_1\",\"encrypted_content\":\"x\"},"
                + "{\"type\":\"computer_call\",\"id\":\"cu_1\",\"call_id\":\"c\",\"action\":{\"type\":\"screenshot\"}},"
                + "{\"type\":\"mcp_list_tools\",\"id\":\"mcpl_1\",\"server_label\":\"s\",\"tools\":[]},"
                + "{\"type\":\"some_future_item\"},{\"role\":\"user\",\"content\":\"hi\"}]}";
        try (Response r = server.gateway.post("/v1/responses", b)) {
            assertThat(r.code()).isEqualTo(200);
        }
        assertThat(server.upstream.takeRequest().body().get("messages")).hasSize(1);
    }
}
