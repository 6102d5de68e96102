package dev.e2bgateway.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.App;
import dev.e2bgateway.config.Config;
import dev.e2bgateway.config.ConfigException;
import dev.e2bgateway.core.InFlight;
import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.Poll;
import dev.e2bgateway.support.RunningGateway;
import dev.e2bgateway.support.Script;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the upstream receives for each provider's rules, through both front doors, streamed and
 * not: the recorded request bodies are the evidence (the real host cannot be reached from here).
 */
class ProviderRulesTest {

    static final String OPENAI_KEY = "sk-openai-secret-0123456789";
    static final String XAI_KEY = "xai-secret-0123456789";

    @RegisterExtension
    static final RunningGateway server = new RunningGateway(Map.of("E2B_PROVIDER_KEYS", "openai=" + OPENAI_KEY + ", xai=" + XAI_KEY));

    /** A front door and a mode: every rule must hold for each. */
    enum Door {
        OPENAI(false), OPENAI_STREAM(true), ANTHROPIC(false), ANTHROPIC_STREAM(true);

        final boolean stream;

        Door(boolean stream) {
            this.stream = stream;
        }

        boolean anthropic() {
            return this == ANTHROPIC || this == ANTHROPIC_STREAM;
        }
    }

    /** Sends a one-message chat through {@code door} and returns the response body. */
    static String chat(Gateway gateway, Door door, String model, String fields) throws IOException {
        String path = door.anthropic() ? "/v1/messages" : "/v1/chat/completions";
        String body = "{\"model\":" + Gateway.quote(model) + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]"
                + (door.stream ? ",\"stream\":true" : "")
                + (door.anthropic() && (fields == null || !fields.contains("max_tokens")) ? ",\"max_tokens\":1000" : "")
                + (fields == null ? "" : "," + fields) + "}";
        try (Response r = gateway.post(path, body)) {
            String text = r.body().string();
            assertThat(r.code()).as(text).isEqualTo(200);
            return text;
        }
    }

    /** The reply text in a response of {@code door}: the message's text, or the stream's text deltas joined. */
    static String replyText(Door door, String body) throws IOException {
        if (!door.stream) {
            JsonNode json = Gateway.json(body);
            return door.anthropic() ? json.at("/content/0/text").asText() : json.at("/choices/0/message/content").asText();
        }
        StringBuilder text = new StringBuilder();
        for (String line : body.split("\n")) {
            if (!line.startsWith("data: {")) continue;
            JsonNode event = Gateway.json(line.substring(6));
            text.append(door.anthropic() ? event.at("/delta/text").asText("") : event.at("/choices/0/delta/content").asText(""));
        }
        return text.toString();
    }

    static JsonNode sent(Door door, String model, String fields) throws IOException {
        chat(server.gateway, door, model, fields);
        return server.upstream.takeRequest().body();
    }

    static String resource(String path) throws IOException {
        try (InputStream in = ProviderRulesTest.class.getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void the_system_prompt_is_the_gateways_then_the_clients_verbatim(Door door) throws IOException {
        String prompt = resource("/dev/e2bgateway/prompt/chat.md");
        String clientSystem = "Answer like a pirate.\n  Keep \"quotes\" and {braces} as they are.";
        String fields = door.anthropic() ? "\"system\":" + Gateway.quote(clientSystem) : null;
        if (!door.anthropic()) {
            chat(server.gateway, door, "gpt-4o", null); // no system prompt at all first
            JsonNode plain = server.upstream.takeRequest().body();
            assertThat(plain.at("/config/system").asText()).isEqualTo(prompt);
            assertThat(plain.at("/template/chat/instructions").asText()).isEqualTo(resource("/dev/e2bgateway/prompt/fallback.md"));
            String body = "{\"model\":\"gpt-4o\",\"stream\":" + door.stream + ",\"messages\":[{\"role\":\"system\",\"content\":"
                    + Gateway.quote(clientSystem) + "},{\"role\":\"user\",\"content\":\"Hi\"}]}";
            try (Response r = server.gateway.post("/v1/chat/completions", body)) {
                assertThat(r.code()).isEqualTo(200);
                r.body().string();
            }
        } else {
            chat(server.gateway, door, "claude-sonnet-4-5-20250929", fields);
        }
        JsonNode sent = server.upstream.takeRequest().body();
        String system = sent.at("/config/system").asText();
        assertThat(system).startsWith(prompt).endsWith("\n\n" + clientSystem);
        assertThat(prompt).contains("`code`", "Markdown", "code fences");
        assertThat(sent.at("/template/chat/instructions").asText()).as("only the fallback for a host that ignores config.system")
                .isEqualTo(resource("/dev/e2bgateway/prompt/fallback.md")).contains("`code`").doesNotContain(clientSystem);
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void the_client_system_prompt_and_the_tools_section_travel_once(Door door) throws IOException {
        String clientSystem = "MARKER-SYSTEM-7f3a: you are a careful reviewer.";
        String tool = door.anthropic()
                ? "{\"name\":\"lookup_ticket\",\"description\":\"MARKER-TOOL-91c2 finds a ticket.\",\"input_schema\":{\"type\":\"object\"}}"
                : "{\"type\":\"function\",\"function\":{\"name\":\"lookup_ticket\",\"description\":\"MARKER-TOOL-91c2 finds a ticket.\","
                + "\"parameters\":{\"type\":\"object\"}}}";
        String system = door.anthropic() ? "\"system\":" + Gateway.quote(clientSystem) : null;
        String path = door.anthropic() ? "/v1/messages" : "/v1/chat/completions";
        String messages = (door.anthropic() ? "" : "{\"role\":\"system\",\"content\":" + Gateway.quote(clientSystem) + "},")
                + "{\"role\":\"user\",\"content\":\"Hi\"}";
        String body = "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":100,\"stream\":" + door.stream
                + ",\"tools\":[" + tool + "],\"messages\":[" + messages + "]" + (system == null ? "" : "," + system) + "}";
        try (Response r = server.gateway.post(path, body)) {
            assertThat(r.code()).isEqualTo(200);
            r.body().string();
        }
        String sent = server.upstream.takeRequest().body().toString();
        assertThat(count(sent, "MARKER-SYSTEM-7f3a")).as("the client's system prompt").isEqualTo(1);
        assertThat(count(sent, "MARKER-TOOL-91c2")).as("the tool's description").isEqualTo(1);
        assertThat(count(sent, "## Available tools")).as("the tools section").isEqualTo(1);
        assertThat(count(sent, "You are a helpful, knowledgeable assistant")).as("the gateway's chat prompt").isEqualTo(1);
    }

    private static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void a_models_output_cap_bounds_the_upstream_budget(Door door) throws IOException {
        assertThat(sent(door, "gpt-4-turbo", "\"max_tokens\":100000").at("/config/maxTokens").asInt()).isEqualTo(4096);
        if (!door.anthropic()) {
            assertThat(sent(door, "gpt-4-turbo", null).at("/config/maxTokens").asInt()).as("no client limit: the cap").isEqualTo(4096);
        }
        assertThat(sent(door, "gpt-4o", "\"max_tokens\":100").at("/config/maxTokens").asInt())
                .as("a small limit gets room for the envelope").isEqualTo(100 + 512);
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void claude_4_5_generation_models_get_temperature_and_never_top_p(Door door) throws IOException {
        for (String model : new String[]{"claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001", "claude-opus-4-5-20251101",
                "claude-opus-4-1-20250805"}) {
            JsonNode both = sent(door, model, "\"temperature\":0.4,\"top_p\":0.9").get("config");
            assertThat(both.get("temperature").asDouble()).as(model).isEqualTo(0.4);
            assertThat(both.has("topP")).as(model + ": topP beside temperature").isFalse();
            JsonNode topPOnly = sent(door, model, "\"top_p\":0.9").get("config");
            assertThat(topPOnly.has("topP")).as(model + ": a temperature always goes (the provider's default here)").isFalse();
            assertThat(topPOnly.get("temperature").asDouble()).as(model).isEqualTo(1.0);
        }
        JsonNode older = sent(door, "claude-sonnet-4-20250514", "\"temperature\":0.4,\"top_p\":0.9").get("config");
        assertThat(older.get("topP").asDouble()).as("Claude Sonnet 4 takes both").isEqualTo(0.9);
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void without_a_client_temperature_each_provider_gets_its_documented_default(Door door) throws IOException {
        Map<String, Double> defaults = new java.util.LinkedHashMap<>();
        defaults.put("gpt-4o", 1.0);                                        // OpenAI
        defaults.put("claude-sonnet-4-5-20250929", 1.0);                    // Anthropic (exclusive sampling)
        defaults.put("claude-3-5-haiku-latest", 1.0);                       // Anthropic
        defaults.put("models/gemini-2.0-flash", 1.0);                       // Google
        defaults.put("gemini-2.0-flash-001", 1.0);                          // Vertex
        defaults.put("mistral-large-latest", 0.7);                          // Mistral
        defaults.put("llama-3.3-70b-versatile", 1.0);                       // Groq
        defaults.put("meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo", 1.0);  // Together AI
        defaults.put("accounts/fireworks/models/qwen3-235b-a22b-instruct-2507", 1.0); // Fireworks
        defaults.put("grok-3", 1.0);                                        // xAI
        defaults.put("deepseek-chat", 1.0);                                 // DeepSeek
        defaults.put("llama3.1", 0.8);                                      // Ollama
        for (Map.Entry<String, Double> e : defaults.entrySet()) {
            JsonNode config = sent(door, e.getKey(), null).get("config");
            assertThat(config.has("temperature")).as(e.getKey() + ": the upstream's SDK would send 0").isTrue();
            assertThat(config.get("temperature").asDouble()).as(e.getKey()).isEqualTo(e.getValue());
        }
        for (String model : new String[]{"o3", "o3-mini", "gpt-5"}) {
            assertThat(sent(door, model, null).get("config").has("temperature")).as(model + ": temperature unsupported").isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void a_client_temperature_wins_over_the_default_and_is_clamped(Door door) throws IOException {
        assertThat(sent(door, "gpt-4o", "\"temperature\":0").at("/config/temperature").asDouble()).as("0 is a choice").isEqualTo(0.0);
        assertThat(sent(door, "mistral-large-latest", "\"temperature\":0.3").at("/config/temperature").asDouble()).isEqualTo(0.3);
        if (!door.anthropic()) { // Anthropic's door takes at most 1
            assertThat(sent(door, "mistral-large-latest", "\"temperature\":1.9").at("/config/temperature").asDouble())
                    .as("Mistral's maximum").isEqualTo(1.5);
        }
        JsonNode exclusive = sent(door, "claude-opus-4-5-20251101", "\"temperature\":0.2,\"top_p\":0.5").get("config");
        assertThat(exclusive.get("temperature").asDouble()).isEqualTo(0.2);
        assertThat(exclusive.has("topP")).isFalse();
        JsonNode both = sent(door, "gpt-4o", "\"top_p\":0.5").get("config");
        assertThat(both.get("topP").asDouble()).isEqualTo(0.5);
        assertThat(both.get("temperature").asDouble()).as("the default beside a top_p, as the provider's own API would use").isEqualTo(1.0);
    }

    @Test
    void a_models_file_sets_a_providers_or_a_models_default_temperature(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("models.json");
        Files.writeString(file, """
                {
                  "providers": {"openai": {"defaultTemperature": 0.4}, "groq": {"defaultTemperature": 5}},
                  "models": [{"id": "gpt-4-turbo", "rules": {"defaultTemperature": 0}}]
                }
                """);
        try (FakeFragments upstream = new FakeFragments();
             Gateway gateway = Gateway.start(upstream, Map.of("E2B_MODELS_FILE", file.toString()))) {
            chat(gateway, Door.OPENAI, "gpt-4o", null);
            assertThat(upstream.takeRequest().body().at("/config/temperature").asDouble()).isEqualTo(0.4);
            chat(gateway, Door.OPENAI, "gpt-4-turbo", null);
            assertThat(upstream.takeRequest().body().at("/config/temperature").asDouble()).as("the SDK's old 0, chosen").isEqualTo(0.0);
            chat(gateway, Door.OPENAI, "llama-3.3-70b-versatile", null);
            assertThat(upstream.takeRequest().body().at("/config/temperature").asDouble()).as("clamped to the maximum").isEqualTo(2.0);
            chat(gateway, Door.OPENAI, "claude-3-5-haiku-latest", null);
            assertThat(upstream.takeRequest().body().at("/config/temperature").asDouble()).as("other providers keep theirs").isEqualTo(1.0);
        }
        Files.writeString(file, "{\"providers\": {\"openai\": {\"defaultTemperature\": \"warm\"}}}");
        assertThatThrownBy(() -> App.create(Config.from(Map.of("E2B_MODELS_FILE", file.toString())), new InFlight()))
                .hasMessageContaining("providers.openai field 'defaultTemperature' must be a non-negative number");
    }

    @ParameterizedTest
    @EnumSource(value = Door.class, names = {"OPENAI", "OPENAI_STREAM"})
    void xai_reasoning_models_get_no_penalties(Door door) throws IOException {
        String penalties = "\"frequency_penalty\":0.5,\"presence_penalty\":0.5";
        for (String model : new String[]{"grok-4", "grok-3-mini", "grok-3-mini-fast", "grok-code-fast-1"}) {
            JsonNode config = sent(door, model, penalties).get("config");
            assertThat(config.has("frequencyPenalty") || config.has("presencePenalty")).as(model).isFalse();
        }
        JsonNode grok3 = sent(door, "grok-3", penalties).get("config");
        assertThat(grok3.get("frequencyPenalty").asDouble()).as("grok-3 is no reasoning model").isEqualTo(0.5);
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void stop_sequences_are_applied_by_the_gateway_and_never_sent_upstream(Door door) throws IOException {
        server.upstream.enqueue(Script.ok(Fragments.json("c", "Hello there STOP and more")).splitEvery(5));
        String stop = door.anthropic() ? "\"stop_sequences\":[\"STOP\"]" : "\"stop\":[\"STOP\"]";
        String reply = chat(server.gateway, door, "grok-4", stop);
        assertThat(replyText(door, reply)).isEqualTo("Hello there ");
        JsonNode config = server.upstream.takeRequest().body().get("config");
        assertThat(config.toString()).doesNotContainIgnoringCase("stop");
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void reasoning_models_get_room_for_hidden_tokens_and_no_refused_sampling(Door door) throws IOException {
        server.upstream.enqueue(Script.reply("word ".repeat(400)));
        String reply = chat(server.gateway, door, "o3", "\"max_tokens\":50,\"temperature\":0.3,\"top_p\":0.5");
        JsonNode config = server.upstream.takeRequest().body().get("config");
        assertThat(config.get("maxTokens").asInt()).isEqualTo(50 + 512 + 16384);
        assertThat(config.has("temperature") || config.has("topP")).isFalse();
        // The client's limit still cuts the visible reply at the gateway.
        assertThat(reply).contains(door.anthropic() ? "max_tokens" : "length");
    }

    @ParameterizedTest
    @CsvSource({
            "o1-preview, o3, openai",
            "claude-3-5-sonnet-latest, claude-sonnet-4-5-20250929, anthropic",
            "claude-3-7-sonnet-latest, claude-sonnet-4-5-20250929, anthropic",
            "gemini-2.0-flash-exp, models/gemini-2.0-flash, google",
            "gemini-1.5-pro, gemini-2.5-pro-preview-05-06, vertex",
            "gemini-2.5-pro-exp-03-25, models/gemini-2.5-pro-preview-05-06, google",
            "gemini-exp-1121, models/gemini-2.5-pro-preview-05-06, google"})
    void retired_ids_route_to_their_successor_and_replies_name_it(String retired, String successor, String provider) throws IOException {
        for (Door door : Door.values()) {
            String reply = chat(server.gateway, door, retired, null);
            JsonNode sent = server.upstream.takeRequest().body();
            assertThat(sent.at("/model/id").asText()).as(door + " " + retired).isEqualTo(successor);
            assertThat(sent.at("/config/model").asText()).isEqualTo(successor);
            assertThat(sent.at("/model/providerId").asText()).isEqualTo(provider);
            assertThat(reply).as(door + ": the reply names the model that answered")
                    .contains("\"model\":" + Gateway.quote(successor)).doesNotContain("\"model\":" + Gateway.quote(retired));
        }
        try (Response r = server.gateway.get("/v1/models/" + retired)) {
            assertThat(r.code()).as("still listed").isEqualTo(200);
        }
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void images_by_url_reach_the_upstream_for_multimodal_models(Door door) throws IOException {
        String url = "https://example.com/cat.png?size=large&x=1";
        String content = door.anthropic()
                ? "[{\"type\":\"text\",\"text\":\"What is this?\"},{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":" + Gateway.quote(url) + "}}]"
                : "[{\"type\":\"text\",\"text\":\"What is this?\"},{\"type\":\"image_url\",\"image_url\":{\"url\":" + Gateway.quote(url) + "}}]";
        String path = door.anthropic() ? "/v1/messages" : "/v1/chat/completions";
        String body = "{\"model\":\"claude-3-5-haiku-latest\",\"max_tokens\":100,\"stream\":" + door.stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":" + content + "}]}";
        try (Response r = server.gateway.post(path, body)) {
            assertThat(r.code()).as("claude-3-5-haiku-latest is multimodal upstream now").isEqualTo(200);
            r.body().string();
        }
        JsonNode parts = server.upstream.takeRequest().body().at("/messages/0/content");
        assertThat(parts.get(1).get("type").asText()).isEqualTo("image");
        assertThat(parts.get(1).get("image").asText()).isEqualTo(url);

        for (String model : new String[]{"o3-mini", "models/gemini-2.0-flash", "gemini-2.0-flash-001"}) {
            try (Response r = server.gateway.post(path, body.replace("claude-3-5-haiku-latest", model))) {
                assertThat(r.code()).as(model).isEqualTo(400);
                assertThat(r.body().string()).as(model).containsAnyOf("does not accept images", "only inline");
            }
        }
        String ftp = body.replace("https://example.com", "ftp://example.com");
        try (Response r = server.gateway.post(path, ftp)) {
            assertThat(r.code()).isEqualTo(400);
        }
        server.upstream.assertNoRequest();
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void provider_keys_travel_as_config_api_key_to_their_provider_only(Door door) throws IOException {
        assertThat(sent(door, "gpt-4o", null).at("/config/apiKey").asText()).isEqualTo(OPENAI_KEY);
        assertThat(sent(door, "grok-3", null).at("/config/apiKey").asText()).isEqualTo(XAI_KEY);
        assertThat(sent(door, "o1-preview", null).at("/config/apiKey").asText()).as("a route's provider").isEqualTo(OPENAI_KEY);
        assertThat(sent(door, "claude-sonnet-4-5-20250929", null).get("config").has("apiKey")).isFalse();
    }

    @Test
    void a_models_file_can_set_and_clear_every_rule_route_and_key(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("models.json");
        Files.writeString(file, """
                {
                  "providers": {
                    "google": {"imageUrls": true},
                    "anthropic": {"apiKey": "sk-ant-from-file-0123456789"},
                    "openai": {"apiKey": "sk-openai-from-file-0123456789"}
                  },
                  "models": [
                    {"id": "claude-sonnet-4-5-20250929", "rules": {"exclusiveSampling": false}},
                    {"id": "grok-4", "rules": {"unsupported": []}},
                    {"id": "o3", "rules": {"reasoningTokens": 0, "maxTokens": 1000, "unsupported": ["topK"]}},
                    {"id": "claude-3-7-sonnet-latest", "routeTo": "claude-opus-4-5-20251101"},
                    {"id": "claude-3-5-sonnet-latest", "routeTo": null, "upstreamId": "claude-3-5-sonnet-20241022"}
                  ]
                }
                """);
        try (FakeFragments upstream = new FakeFragments();
             Gateway gateway = Gateway.start(upstream, Map.of("E2B_MODELS_FILE", file.toString(), "E2B_PROVIDER_KEYS", "openai=" + OPENAI_KEY))) {
            chat(gateway, Door.OPENAI, "claude-sonnet-4-5-20250929", "\"temperature\":0.4,\"top_p\":0.9");
            JsonNode config = upstream.takeRequest().body().get("config");
            assertThat(config.get("topP").asDouble()).isEqualTo(0.9);
            assertThat(config.get("apiKey").asText()).as("a key from the models file").isEqualTo("sk-ant-from-file-0123456789");

            chat(gateway, Door.OPENAI, "grok-4", "\"frequency_penalty\":0.5");
            assertThat(upstream.takeRequest().body().at("/config/frequencyPenalty").asDouble()).isEqualTo(0.5);

            chat(gateway, Door.OPENAI, "o3", "\"max_tokens\":50,\"temperature\":0.3,\"top_k\":5");
            config = upstream.takeRequest().body().get("config");
            assertThat(config.get("maxTokens").asInt()).isEqualTo(50 + 512);
            assertThat(config.get("temperature").asDouble()).as("the list was replaced, not added to").isEqualTo(0.3);
            assertThat(config.has("topK")).isFalse();
            assertThat(config.get("apiKey").asText()).as("E2B_PROVIDER_KEYS over the file").isEqualTo(OPENAI_KEY);

            String reply = chat(gateway, Door.OPENAI, "claude-3-7-sonnet-latest", null);
            assertThat(upstream.takeRequest().body().at("/model/id").asText()).isEqualTo("claude-opus-4-5-20251101");
            assertThat(reply).contains("\"model\":\"claude-opus-4-5-20251101\"");

            reply = chat(gateway, Door.OPENAI, "claude-3-5-sonnet-latest", null);
            assertThat(upstream.takeRequest().body().at("/model/id").asText()).isEqualTo("claude-3-5-sonnet-20241022");
            assertThat(reply).as("no longer routed: the reply names the id asked for").contains("\"model\":\"claude-3-5-sonnet-latest\"");

            String image = "{\"model\":\"models/gemini-2.0-flash\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
                    + "\"image_url\":{\"url\":\"https://example.com/a.png\"}}]}]}";
            try (Response r = gateway.post("/v1/chat/completions", image)) {
                assertThat(r.code()).as("imageUrls set for google").isEqualTo(200);
            }
            assertThat(upstream.takeRequest().body().at("/messages/0/content/0/image").asText()).isEqualTo("https://example.com/a.png");
        }
    }

    @Test
    void bad_provider_keys_stop_startup_naming_the_setting(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> Config.from(Map.of("E2B_PROVIDER_KEYS", "sk-no-provider")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("E2B_PROVIDER_KEYS").hasMessageNotContaining("sk-no-provider");
        assertThatThrownBy(() -> App.create(Config.from(Map.of("E2B_PROVIDER_KEYS", "opneai=sk-x")), new InFlight()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("E2B_PROVIDER_KEYS").hasMessageContaining("opneai");
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"providers\": {\"openai\": {\"apiKey\": 42}}}");
        assertThatThrownBy(() -> App.create(Config.from(Map.of("E2B_MODELS_FILE", file.toString())), new InFlight()))
                .hasMessageContaining("providers.openai field 'apiKey'");
        Files.writeString(file, "{\"models\": [{\"id\": \"o3\", \"rules\": {\"unsupported\": [\"maxTokens\"]}}]}");
        assertThatThrownBy(() -> App.create(Config.from(Map.of("E2B_MODELS_FILE", file.toString())), new InFlight()))
                .hasMessageContaining("models[0] (o3).rules field 'unsupported'");
        Files.writeString(file, "{\"models\": [{\"id\": \"old\", \"routeTo\": \"no-such-model\"}]}");
        assertThatThrownBy(() -> App.create(Config.from(Map.of("E2B_MODELS_FILE", file.toString())), new InFlight()))
                .hasMessageContaining("'routeTo' names 'no-such-model'");
    }

    @Test
    void an_html_429_is_not_quoted_as_the_providers_words() throws IOException {
        server.upstream.enqueue(Script.status(429, "<!DOCTYPE html><html><body>Rate limited by the edge</body></html>")
                .header("Content-Type", "text/html"));
        try (Response r = server.gateway.post("/v1/chat/completions", Gateway.chat("gpt-4o", "Hi", null))) {
            assertThat(r.code()).isEqualTo(429);
            String message = Gateway.json(r).at("/error/message").asText();
            assertThat(message).doesNotContain("<", "Rate limited by the edge").contains("HTML page");
        }
        server.upstream.takeRequest();
        server.upstream.assertNoRequest();
    }
}
