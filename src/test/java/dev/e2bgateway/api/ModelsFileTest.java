package dev.e2bgateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.App;
import dev.e2bgateway.config.Config;
import dev.e2bgateway.core.InFlight;
import dev.e2bgateway.config.ConfigException;
import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.BrokenFiles;
import dev.e2bgateway.support.Gateway;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The built-in catalog, and E2B_MODELS_FILE adding, overriding, removing and aliasing models. */
class ModelsFileTest {

    @TempDir
    Path dir;

    private static List<String> ids(Gateway gateway) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Response r = gateway.get("/v1/models")) {
            for (JsonNode m : Gateway.json(r).get("data")) ids.add(m.get("id").asText());
        }
        return ids;
    }

    @Test
    void the_current_upstream_catalog_is_built_in_and_ids_with_slashes_work_everywhere() throws Exception {
        try (FakeFragments upstream = new FakeFragments(); Gateway gateway = Gateway.start(upstream)) {
            List<String> ids = ids(gateway);
            // 72 ids answer; the list leaves out the 7 retired ids and the Vertex twins of the Google Gemini models.
            assertThat(ids).hasSize(60).contains("gpt-5", "o3", "claude-sonnet-4-5-20250929", "models/gemini-2.0-flash",
                    "accounts/fireworks/models/deepseek-r1", "grok-4", "mistral-large-latest");
            try (Response r = gateway.get("/v1/models/models/gemini-2.0-flash")) {
                assertThat(r.code()).isEqualTo(200);
                assertThat(Gateway.json(r).get("id").asText()).isEqualTo("models/gemini-2.0-flash");
            }
            try (Response r = gateway.get("/v1/models/accounts/fireworks/models/deepseek-r1")) {
                assertThat(Gateway.json(r).get("owned_by").asText()).isEqualTo("fireworks");
            }
            try (Response r = gateway.post("/v1/chat/completions", Gateway.chat("accounts/fireworks/models/deepseek-r1", "Hi", null))) {
                assertThat(r.code()).isEqualTo(200);
            }
            assertThat(upstream.takeRequest().body().at("/model/providerId").asText()).isEqualTo("fireworks");
        }
    }

    @Test
    void the_list_leaves_out_retired_ids_and_twins_reads_by_provider_then_name_and_every_id_still_answers() throws Exception {
        try (FakeFragments upstream = new FakeFragments(); Gateway gateway = Gateway.start(upstream)) {
            List<JsonNode> models = new ArrayList<>();
            try (Response r = gateway.get("/v1/models")) {
                Gateway.json(r).get("data").forEach(models::add);
            }
            List<String> ids = models.stream().map(m -> m.get("id").asText()).toList();
            assertThat(ids).doesNotContain("o1-preview", "claude-3-5-sonnet-latest", "claude-3-7-sonnet-latest", "gemini-2.0-flash-exp",
                    "gemini-1.5-pro", "gemini-2.5-pro-exp-03-25", "gemini-exp-1121", // retired: routed to a successor
                    "gemini-2.0-flash-001", "gemini-2.5-pro-preview-05-06", "gemini-1.5-flash-002"); // Vertex twins
            assertThat(ids).doesNotHaveDuplicates();
            // Each provider's models together, providers in order, so a menu grouped by owner has one group each.
            List<String> owners = models.stream().map(m -> m.get("owned_by").asText()).toList();
            assertThat(owners.stream().distinct().toList()).containsExactly("anthropic", "deepseek", "fireworks", "google", "groq",
                    "mistral", "ollama", "openai", "togetherai", "xai");
            for (int i = 1; i < owners.size(); i++) {
                if (!owners.get(i).equals(owners.get(i - 1))) assertThat(owners.subList(0, i)).doesNotContain(owners.get(i));
            }
            assertThat(ids.subList(0, 3)).as("Anthropic's models by name").containsExactly(
                    "claude-3-5-haiku-latest", "claude-haiku-4-5-20251001", "claude-opus-4-20250514");
            // Every id answers, listed or not: retrieved and called.
            for (String id : List.of("o1-preview", "gemini-2.0-flash-001", "gemini-exp-1121")) {
                try (Response r = gateway.get("/v1/models/" + id)) {
                    assertThat(r.code()).as(id).isEqualTo(200);
                    assertThat(Gateway.json(r).get("id").asText()).isEqualTo(id);
                }
                try (Response r = gateway.post("/v1/chat/completions", Gateway.chat(id, "Hi", null))) {
                    assertThat(r.code()).as(id).isEqualTo(200);
                }
                upstream.takeRequest();
            }
        }
    }

    @Test
    void a_models_file_chooses_what_is_listed() throws Exception {
        Path flags = dir.resolve("flags.json");
        Files.writeString(flags, """
                {
                  "listRetired": true, "listAliases": true,
                  "models": [{"id": "gpt-4o", "listed": false}, {"id": "gemini-2.0-flash-001", "listed": true},
                             {"id": "claude-3-7-sonnet-latest", "listed": false}],
                  "aliases": {"claude": "claude-sonnet-4-5-20250929"}
                }""");
        try (FakeFragments upstream = new FakeFragments();
             Gateway gateway = Gateway.start(upstream, Map.of("E2B_MODELS_FILE", flags.toString()))) {
            assertThat(ids(gateway)).contains("o1-preview", "gemini-exp-1121", "claude", "gemini-2.0-flash-001")
                    .doesNotContain("gpt-4o", "claude-3-7-sonnet-latest", "gemini-1.5-flash-002");
            try (Response r = gateway.post("/v1/chat/completions", Gateway.chat("gpt-4o", "Hi", null))) {
                assertThat(r.code()).as("unlisted, still served").isEqualTo(200);
            }
        }
        Path allow = dir.resolve("allow.json");
        Files.writeString(allow, """
                {"list": ["gpt-4o", "claude", "claude-sonnet-4-5-20250929", "o1-preview", "gpt-4o"],
                 "aliases": {"claude": "claude-sonnet-4-5-20250929"}}""");
        try (FakeFragments upstream = new FakeFragments();
             Gateway gateway = Gateway.start(upstream, Map.of("E2B_MODELS_FILE", allow.toString()))) {
            assertThat(ids(gateway)).as("exactly the allow-list, once each, in menu order")
                    .containsExactly("claude", "claude-sonnet-4-5-20250929", "gpt-4o", "o1-preview");
            try (Response r = gateway.get("/v1/models/grok-4")) {
                assertThat(r.code()).isEqualTo(200);
            }
        }
    }

    @Test
    void a_models_file_adds_overrides_removes_and_aliases() throws Exception {
        Path file = dir.resolve("models.json");
        Files.writeString(file, """
                {
                  "models": [
                    {"id": "my-llama", "upstreamId": "llama-3.3-70b-versatile", "provider": "Groq", "providerId": "groq",
                     "name": "Llama 3.3 70B", "multiModal": false, "limits": {"maxTokens": 1000, "temperature": 0.5}},
                    {"id": "gpt-4o", "limits": {"maxTokens": 2000}}
                  ],
                  "remove": ["gemini-exp-1121"],
                  "aliases": {"claude": "claude-sonnet-4-5-20250929"}
                }""");
        try (FakeFragments upstream = new FakeFragments();
             Gateway gateway = Gateway.start(upstream, Map.of("E2B_MODELS_FILE", file.toString()))) {
            List<String> ids = ids(gateway);
            assertThat(ids).contains("my-llama", "gpt-4o").doesNotContain("gemini-exp-1121", "claude"); // aliases are not listed by default

            try (Response r = gateway.post("/v1/chat/completions", Gateway.chat("my-llama", "Hi", "\"temperature\":1.5,\"max_tokens\":5000"))) {
                assertThat(r.code()).isEqualTo(200);
            }
            JsonNode sent = upstream.takeRequest().body();
            assertThat(sent.at("/model/id").asText()).isEqualTo("llama-3.3-70b-versatile");
            assertThat(sent.at("/model/providerId").asText()).isEqualTo("groq");
            assertThat(sent.at("/config/temperature").asDouble()).isEqualTo(0.5);
            assertThat(sent.at("/config/maxTokens").asInt()).isEqualTo(1000);

            try (Response r = gateway.post("/v1/chat/completions", Gateway.chat("gpt-4o", "Hi", null))) {
                assertThat(r.code()).isEqualTo(200);
            }
            sent = upstream.takeRequest().body();
            assertThat(sent.at("/config/maxTokens").asInt()).as("overridden limit").isEqualTo(2000);
            assertThat(sent.at("/model/name").asText()).as("the rest of the built-in entry kept").isEqualTo("GPT-4o");

            try (Response r = gateway.post("/v1/chat/completions", Gateway.chat("claude", "Hi", null))) {
                assertThat(Gateway.json(r).get("model").asText()).as("the name the client asked for").isEqualTo("claude");
            }
            assertThat(upstream.takeRequest().body().at("/model/id").asText()).isEqualTo("claude-sonnet-4-5-20250929");

            try (Response r = gateway.post("/v1/chat/completions", Gateway.chat("gemini-exp-1121", "Hi", null))) {
                assertThat(r.code()).isEqualTo(404);
            }
        }
    }

    @Test
    void a_broken_models_file_stops_startup_naming_the_file_the_entry_and_the_field() throws Exception {
        Map<String, String> broken = Map.of(
                "{\"models\": [{\"id\": \"x\", \"provider\": \"X\", \"providerId\": \"nope\"}]}", "models[0] (x) field 'providerId' is 'nope'",
                "{\"models\": [{\"id\": \"x\", \"providerId\": \"openai\"}]}", "models[0] (x) field 'provider' is missing",
                "{\"models\": [{\"provider\": \"X\"}]}", "models[0] field 'id' is missing",
                "{\"models\": [{\"id\": \"gpt-4o\", \"limits\": {\"maxTokens\": \"lots\"}}]}", "models[0] (gpt-4o).limits field 'maxTokens' must be a non-negative number",
                "{\"remove\": [\"no-such\"]}", "remove[0] names no known model",
                "{\"aliases\": {\"a\": \"no-such\"}}", "aliases.a points to no known model",
                "{\"modles\": []}", "'modles' is not a known section",
                "{not json", "cannot be read as JSON");
        BrokenFiles.assertEachStopsStartup(dir, "E2B_MODELS_FILE", broken, "\u0000");
        BrokenFiles.assertEachStopsStartup(Files.createDirectories(dir.resolve("listing")), "E2B_MODELS_FILE", Map.of(
                "{\"list\": [\"gpt-4o\", \"gpt-9\"]}", "list[1] names no known model: \"gpt-9\"",
                "{\"list\": \"gpt-4o\"}", "'list' must be an array of model ids",
                "{\"listRetired\": \"yes\"}", "'listRetired' must be true or false",
                "{\"models\": [{\"id\": \"gpt-4o\", \"listed\": 0}]}", "models[0] (gpt-4o) field 'listed' must be true or false"), "\u0000");
        assertThatThrownBy(() -> Config.from(Map.of("E2B_MODELS_FILE", dir.resolve("missing.json").toString())))
                .hasMessageStartingWith("E2B_MODELS_FILE");
    }

    @Test
    void the_shipped_example_file_loads() {
        Path example = Path.of("models.example.json");
        assertThat(App.create(Config.from(Map.of("E2B_MODELS_FILE", example.toAbsolutePath().toString())), new InFlight())).isNotNull();
    }
}
