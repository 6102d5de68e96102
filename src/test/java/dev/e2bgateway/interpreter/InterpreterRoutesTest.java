package dev.e2bgateway.interpreter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.Cells;
import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.Script;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A cell runs on the route its chat went to, even when that route sits out its daily chat limit by then. */
class InterpreterRoutesTest {

    static final String CALL = "<tool_calls>\n<invoke name=\"python\">\n<parameter name=\"code\">print(6*7)</parameter>\n</invoke>\n</tool_calls>";
    static final String BODY = "{\"model\":\"gpt-4o\",\"input\":\"6*7?\",\"store\":false,\"tools\":[{\"type\":\"code_interpreter\",\"container\":{\"type\":\"auto\"}}]}";

    @Test
    void the_cell_goes_to_its_chats_route_which_runs_it_though_it_reached_its_daily_limit_meanwhile() throws Exception {
        try (FakeFragments a = new FakeFragments(); FakeFragments b = new FakeFragments();
             Gateway gateway = Gateway.start(a, Map.of("E2B_BASE_URL", a.baseUrl() + "," + b.baseUrl(), "E2B_CODE_INTERPRETER", "on"))) {
            // Round robin from route-1: the turn's first reply comes from A, held back until A has been marked.
            CountDownLatch gate = new CountDownLatch(1);
            String reply = Fragments.json("c", CALL);
            int half = reply.length() / 2;
            a.enqueue(Script.pieces(reply.substring(0, half), reply.substring(half)).gateBefore(1, gate));
            a.enqueueSandbox(Cells.printed("sbx_on_a", "42\n"));
            b.enqueue(Script.reply("Another chat."));
            a.enqueue(Script.status(429, "You have reached your request limit for the day.")
                    .header("X-RateLimit-Reset", String.valueOf(System.currentTimeMillis() + 3_600_000)));
            b.enqueue(Script.reply("A third chat, failed over."));
            b.enqueue(Script.reply("It is 42.")); // the turn's second reply: A sits out

            CompletableFuture<JsonNode> turn = CompletableFuture.supplyAsync(() -> {
                try (Response r = gateway.post("/v1/responses", BODY)) {
                    return Gateway.json(r);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            a.takeRequest(); // the turn's chat reached A
            try (Response r = gateway.post("/v1/chat/completions", Gateway.chat("gpt-4o", "hi", null))) {
                assertThat(r.code()).isEqualTo(200);
            }
            try (Response r = gateway.post("/v1/chat/completions", Gateway.chat("gpt-4o", "hi", null))) {
                assertThat(r.code()).isEqualTo(200); // A answered 429 for the day; B took it
            }
            try (Response r = gateway.get("/v1/gateway/upstreams")) {
                assertThat(Gateway.json(r).at("/data/0/available").asBoolean()).as("A sits out").isFalse();
            }
            gate.countDown();
            JsonNode response = turn.get(20, TimeUnit.SECONDS);
            assertThat(response.at("/output/0/type").asText()).isEqualTo("code_interpreter_call");
            assertThat(response.at("/output/0/container_id").asText()).isEqualTo("sbx_on_a");
            assertThat(response.at("/output/1/content/0/text").asText()).isEqualTo("It is 42.");
            assertThat(a.takeSandboxRequest().body().at("/fragment/code").asText()).isEqualTo("print(6*7)");
            b.assertNoSandboxRequest();
        }
    }
}
