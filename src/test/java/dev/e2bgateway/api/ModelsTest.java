package dev.e2bgateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.RunningGateway;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ModelsTest {

    @RegisterExtension
    static final RunningGateway server = new RunningGateway();

    @Test
    void the_list_has_the_seed_models_still_served_in_the_openai_shape() throws IOException {
        try (Response r = server.gateway.get("/v1/models")) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("application/json");
            JsonNode body = Gateway.json(r);
            assertThat(body.get("object").asText()).isEqualTo("list");
            List<String> ids = new ArrayList<>();
            for (JsonNode m : body.get("data")) {
                ids.add(m.get("id").asText());
                assertThat(m.get("object").asText()).isEqualTo("model");
                assertThat(m.get("created").asLong()).isBetween(1_600_000_000L, 2_000_000_000L);
                assertThat(m.get("owned_by").asText()).isNotBlank();
            }
            // The seed ids still served as themselves are listed; the retired ones answer but are not listed (ModelsFileTest).
            assertThat(ids).contains("o3-mini", "gpt-4o", "gpt-4.5-preview", "gpt-4-turbo", "claude-3-5-haiku-latest")
                    .doesNotContain("o1-preview", "claude-3-7-sonnet-latest");
        }
    }

    @Test
    void one_model_by_id() throws IOException {
        try (Response r = server.gateway.get("/v1/models/claude-3-7-sonnet-latest")) {
            assertThat(r.code()).isEqualTo(200);
            JsonNode m = Gateway.json(r);
            assertThat(m.get("id").asText()).isEqualTo("claude-3-7-sonnet-latest");
            assertThat(m.get("owned_by").asText()).isEqualTo("anthropic");
        }
    }

    @Test
    void an_unknown_model_is_a_404_model_not_found() throws IOException {
        try (Response r = server.gateway.get("/v1/models/gpt-9")) {
            assertThat(r.code()).isEqualTo(404);
            JsonNode error = Gateway.json(r).get("error");
            assertThat(error.get("code").asText()).isEqualTo("model_not_found");
            assertThat(error.get("param").asText()).isEqualTo("model");
            assertThat(r.header("x-should-retry")).isEqualTo("false");
        }
    }
}
