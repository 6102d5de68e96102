package dev.e2bgateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.RunningGateway;
import dev.e2bgateway.support.Script;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Non-streaming completions, and what the gateway sends the upstream for them. */
class ChatCompletionsTest {

    @RegisterExtension
    static final RunningGateway server = new RunningGateway();

    @Test
    void a_completion_has_the_openai_shape_and_the_upstream_reply() throws IOException {
        server.upstream.enqueue(Script.ok(Fragments.json("Greeting.", "Hello! 你好 😀\nHow can I help?")).splitEvery(5));
        long before = System.currentTimeMillis() / 1000;
        try (Response r = server.gateway.post("/v1/chat/completions", Gateway.chat("gpt-4o", "Hello", null))) {
            long after = System.currentTimeMillis() / 1000;
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("application/json");
            assertThat(r.header("x-request-id")).startsWith("req_");
            JsonNode body = Gateway.json(r);
            assertThat(body.get("id").asText()).startsWith("chatcmpl-");
            assertThat(body.get("object").asText()).isEqualTo("chat.completion");
            assertThat(body.get("created").asLong()).as("while the request ran").isBetween(before, after);
            assertThat(body.get("model").asText()).isEqualTo("gpt-4o");
            JsonNode choice = body.get("choices").get(0);
            assertThat(choice.get("index").asInt()).isZero();
            assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
            assertThat(choice.get("message").get("content").asText()).isEqualTo("Hello! 你好 😀\nHow can I help?");
            assertThat(choice.get("message").has("refusal")).isTrue();
            assertThat(choice.has("logprobs")).isTrue();
            assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
            JsonNode usage = body.get("usage");
            assertThat(usage.get("prompt_tokens").asInt()).isPositive();
            assertThat(usage.get("completion_tokens").asInt()).isPositive();
            assertThat(usage.get("total_tokens").asInt())
                    .isEqualTo(usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt());
        }
    }

    @Test
    void an_empty_code_falls_back_to_the_commentary() throws IOException {
        server.upstream.enqueue(Script.ok(Fragments.json("The whole answer is in the commentary.", "")).splitEvery(3));
        try (Response r = server.gateway.post("/v1/chat/completions", Gateway.chat("gpt-4o", "Hello", null))) {
            assertThat(Gateway.json(r).at("/choices/0/message/content").asText()).isEqualTo("The whole answer is in the commentary.");
        }
    }

    @Test
    void the_upstream_gets_camel_case_config_clamped_to_the_model() throws IOException {
        String extra = "\"temperature\":1.7,\"top_p\":0.5,\"top_k\":900,\"frequency_penalty\":1.5,\"presence_penalty\":-0.5,"
                + "\"max_tokens\":100000,\"user\":\"ignored\",\"seed\":7";
        try (Response r = server.gateway.post("/v1/chat/completions", Gateway.chat("claude-sonnet-4-20250514", "Hi", extra))) {
            assertThat(r.code()).isEqualTo(200);
        }
        JsonNode sent = server.upstream.takeRequest().body();
        JsonNode config = sent.get("config");
        assertThat(config.get("model").asText()).isEqualTo("claude-sonnet-4-20250514");
        assertThat(config.get("temperature").asDouble()).as("Anthropic's temperature max is 1").isEqualTo(1.0);
        assertThat(config.get("topP").asDouble()).isEqualTo(0.5);
        assertThat(config.get("topK").asInt()).isEqualTo(500);
        assertThat(config.get("frequencyPenalty").asDouble()).isEqualTo(1.5);
        assertThat(config.get("presencePenalty").asDouble()).isEqualTo(-0.5);
        assertThat(config.get("maxTokens").asInt()).as("capped at the model's 64000").isEqualTo(64000);
        List<String> keys = new ArrayList<>();
        config.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).noneMatch(k -> k.contains("_"));

        JsonNode model = sent.get("model");
        assertThat(model.get("id").asText()).isEqualTo("claude-sonnet-4-20250514");
        assertThat(model.get("providerId").asText()).isEqualTo("anthropic");
        assertThat(model.get("provider").asText()).isEqualTo("Anthropic");
        assertThat(model.get("multiModal").asBoolean()).isTrue();
        assertThat(model.get("name").asText()).isNotBlank();
        assertThat(sent.get("userID").asText()).matches("[0-9a-f-]{36}");
    }

    @Test
    void the_upstream_model_identity_comes_from_the_registry() throws IOException {
        try (Response r = server.gateway.post("/v1/chat/completions", Gateway.chat("o1-preview", "Hi", "\"max_completion_tokens\":50"))) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(Gateway.json(r).get("model").asText()).as("a retired id names the model that answered").isEqualTo("o3");
        }
        JsonNode sent = server.upstream.takeRequest().body();
        assertThat(sent.at("/model/id").asText()).isEqualTo("o3");
        assertThat(sent.at("/config/model").asText()).isEqualTo("o3");
        assertThat(sent.at("/config/maxTokens").asInt()).as("reply limit plus room for the JSON envelope").isGreaterThan(50);

        try (Response r = server.gateway.post("/v1/chat/completions", Gateway.chat("gemini-2.0-flash-exp", "Hi", "\"top_k\":100"))) {
            assertThat(r.code()).isEqualTo(200);
        }
        sent = server.upstream.takeRequest().body();
        assertThat(sent.at("/model/id").asText()).isEqualTo("models/gemini-2.0-flash");
        assertThat(sent.at("/model/providerId").asText()).isEqualTo("google");
        assertThat(sent.at("/config/topK").asInt()).isEqualTo(40);
    }

    @Test
    void roles_are_merged_and_system_prompts_go_into_config_system() throws IOException {
        String body = """
                {"model":"gpt-4o","messages":[
                  {"role":"system","content":"You are a pirate."},
                  {"role":"user","content":"Hello"},
                  {"role":"user","content":[{"type":"text","text":"Are you there?"}]},
                  {"role":"assistant","content":"Arr."},
                  {"role":"developer","content":"Answer in French."},
                  {"role":"assistant","content":null,"tool_calls":[]},
                  {"role":"assistant","content":"Yes."},
                  {"role":"user","content":"Bye","name":"bob"}]}""";
        try (Response r = server.gateway.post("/v1/chat/completions", body)) {
            assertThat(r.code()).isEqualTo(200);
        }
        JsonNode sent = server.upstream.takeRequest().body();
        JsonNode messages = sent.get("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0).get("role").asText()).isEqualTo("user");
        assertThat(messages.get(0).get("content").toString())
                .isEqualTo("[{\"type\":\"text\",\"text\":\"Hello\"},{\"type\":\"text\",\"text\":\"Are you there?\"}]");
        assertThat(messages.get(1).get("role").asText()).isEqualTo("assistant");
        assertThat(messages.get(1).get("content").toString())
                .isEqualTo("[{\"type\":\"text\",\"text\":\"Arr.\"},{\"type\":\"text\",\"text\":\"Yes.\"}]");
        assertThat(messages.get(2).get("content").get(0).get("text").asText()).isEqualTo("Bye");
        for (JsonNode m : messages) assertThat(m.get("role").asText()).isIn("user", "assistant");

        JsonNode templates = sent.get("template");
        assertThat(templates.size()).isEqualTo(1);
        JsonNode template = templates.elements().next();
        assertThat(template.get("lib").isArray()).isTrue();
        String system = sent.at("/config/system").asText();
        assertThat(system).contains("`code`", "You are a pirate.", "Answer in French.");
        assertThat(system.indexOf("You are a pirate.")).isLessThan(system.indexOf("Answer in French."));
        assertThat(template.get("instructions").asText()).as("the fallback only").contains("`code`").doesNotContain("pirate");
    }

    @Test
    void image_parts_become_upstream_image_parts_for_multimodal_models() throws IOException {
        String dataUrl = "data:image/png;base64,iVBORw0KGgo=";
        String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"What is this?\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + dataUrl + "\",\"detail\":\"low\"}}]}]}";
        try (Response r = server.gateway.post("/v1/chat/completions", body)) {
            assertThat(r.code()).isEqualTo(200);
        }
        JsonNode content = server.upstream.takeRequest().body().at("/messages/0/content");
        assertThat(content.get(0).toString()).isEqualTo("{\"type\":\"text\",\"text\":\"What is this?\"}");
        assertThat(content.get(1).toString()).isEqualTo("{\"type\":\"image\",\"image\":\"" + dataUrl + "\"}");
    }

    @Test
    void an_image_for_a_model_that_cannot_see_is_a_400_and_never_sent() throws IOException {
        String body = "{\"model\":\"o3-mini\",\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AAAA\"}}]}]}";
        try (Response r = server.gateway.post("/v1/chat/completions", body)) {
            assertThat(r.code()).isEqualTo(400);
            JsonNode error = Gateway.json(r).get("error");
            assertThat(error.get("message").asText()).contains("o3-mini", "does not accept images");
            assertThat(error.get("param").asText()).startsWith("messages[0].content");
        }
        server.upstream.assertNoRequest();
    }

    @Test
    void the_upstream_is_called_with_browser_like_headers() throws IOException {
        try (Response r = server.gateway.post("/v1/chat/completions", Gateway.chat("gpt-4o", "Hi", null))) {
            assertThat(r.code()).isEqualTo(200);
        }
        FakeFragments.Recorded sent = server.upstream.takeRequest();
        assertThat(sent.path()).isEqualTo("/api/chat");
        assertThat(sent.headers().get("content-type")).startsWith("application/json");
        assertThat(sent.headers().get("accept")).isEqualTo("*/*");
        assertThat(sent.headers().get("origin")).isEqualTo(server.upstream.baseUrl());
        assertThat(sent.headers().get("referer")).isEqualTo(server.upstream.baseUrl() + "/");
        assertThat(sent.headers().get("user-agent")).contains("Mozilla/5.0");
    }
}
