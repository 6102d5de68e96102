package dev.e2bgateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.RunningGateway;
import dev.e2bgateway.support.Script;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract's failures table, each outcome as the client sees it, and the retries behind it. */
class UpstreamFailuresTest {

    @RegisterExtension
    static final RunningGateway server = new RunningGateway(Map.of("E2B_FIRST_BYTE_TIMEOUT_MS", "500", "E2B_IDLE_TIMEOUT_MS", "500",
            "E2B_RETRY_MAX_ATTEMPTS", "3", "E2B_RETRY_DELAY_MS", "5"));

    @BeforeEach
    void quiet_upstream() {
        server.upstream.fallback(Script.reply("fine"));
    }

    /** One row of the table: what the upstream does, what the client gets, how many upstream calls. */
    enum Row {
        DAILY_LIMIT(Script.status(429, "You have reached your request limit for the day.")
                .header("X-RateLimit-Limit", "10").header("X-RateLimit-Remaining", "0"),
                429, "rate_limit_exceeded", "limit for the day", false, 1),
        PROVIDER_LIMIT(Script.status(429, "The provider is currently unavailable due to request limit. Try using your own API key."),
                429, "rate_limit_exceeded", "due to request limit", true, 1),
        OVERLOADED_529(Script.status(529, "The provider is currently unavailable. Please try again later."),
                503, "server_error", "overloaded", true, 3),
        OVERLOADED_503(Script.status(503, "busy"), 503, "server_error", "overloaded", true, 3),
        KEY_REJECTED(Script.status(403, "Access denied. Please make sure your API key is valid."),
                502, "server_error", "refused the API key", false, 1), // a retry spends a daily request for the same answer
        PROVIDER_ERROR(Script.status(500, "An unexpected error has occurred. Please try again later."),
                502, "server_error", "An unexpected error has occurred", true, 1),
        EMPTY_500(Script.status(500, ""), 502, "server_error", "empty HTTP 500", false, 1),
        HTML_PAGE(Script.status(403, "<!DOCTYPE html><html><body>Checking your browser</body></html>")
                .header("Content-Type", "text/html"), 502, "server_error", "HTML page", false, 1),
        EDGE_520(Script.status(520, "<html>origin error</html>").header("Content-Type", "text/html"),
                502, "server_error", "HTML page", true, 3),
        NOT_JSON_200(Script.ok("Sorry, I can't help with that."), 502, "server_error", "not the expected JSON", true, 1),
        HTML_200(Script.ok("<html>hi</html>").header("Content-Type", "text/html; charset=utf-8"),
                502, "server_error", "HTML page", false, 1),
        NOT_FOUND_404(Script.status(404, "Not Found"), 502, "server_error", "HTTP 404", false, 1),
        BAD_GATEWAY_502(Script.status(502, "Bad Gateway"), 502, "server_error", "HTTP 502", true, 3),
        CUT_BEFORE_TEXT(Script.ok("{\"commentary\": \"thinking about it"), 502, "server_error", "reply was cut off", true, 1),
        EMPTY_200(Script.ok(""), 502, "server_error", "empty reply", true, 2), // each attempt spends a daily request: one retry only
        TOO_LARGE(Script.status(413, "Request Entity Too Large"), 413, "invalid_request_error", "too large", false, 1),
        DROPPED(Script.drop(), 502, "server_error", "upstream with E2B_BASE_URL", true, 3),
        // Slow upstreams, far slower than the 500 ms timeouts so that only a timeout can end them, whatever
        // the machine's pace; the fake stops waiting as soon as the gateway hangs up.
        NO_HEADERS(Script.reply("late").headerDelay(30_000), 504, "server_error", "E2B_FIRST_BYTE_TIMEOUT_MS", true, 3),
        SILENT_BODY(Script.ok("").thenHang(30_000), 504, "server_error", "E2B_IDLE_TIMEOUT_MS", true, 3);

        final Script script;
        final int status;
        final String type;
        final String message;
        final boolean shouldRetry;
        final int upstreamCalls;

        Row(Script script, int status, String type, String message, boolean shouldRetry, int upstreamCalls) {
            this.script = script;
            this.status = status;
            this.type = type;
            this.message = message;
            this.shouldRetry = shouldRetry;
            this.upstreamCalls = upstreamCalls;
        }
    }

    @ParameterizedTest
    @EnumSource(Row.class)
    void each_upstream_failure_becomes_the_right_status_and_error(Row row) throws IOException {
        server.upstream.fallback(row.script);
        for (boolean stream : new boolean[]{false, true}) {
            try (Response r = server.gateway.post("/v1/chat/completions", Gateway.chat("gpt-4o", "Hi", "\"stream\":" + stream))) {
                assertThat(r.code()).as("status, stream=%s", stream).isEqualTo(row.status);
                assertThat(r.header("Content-Type")).startsWith("application/json");
                assertThat(r.header("x-should-retry")).isEqualTo(String.valueOf(row.shouldRetry));
                String text = r.body().string();
                JsonNode error = Gateway.json(text).get("error");
                assertThat(error.get("type").asText()).isEqualTo(row.type);
                assertThat(error.get("message").asText()).contains(row.message);
                assertThat(error.has("param")).isTrue();
                assertThat(error.has("code")).isTrue();
                assertThat(text).doesNotContain("Exception", "dev.e2bgateway", "java.");
            }
            for (int i = 0; i < row.upstreamCalls; i++) server.upstream.takeRequest();
            server.upstream.assertNoRequest();
        }
    }

    @Test
    void the_daily_limit_sends_retry_after_from_the_reset_in_milliseconds() throws IOException {
        long before = System.currentTimeMillis();
        long reset = before + 90_000;
        server.upstream.enqueue(Script.status(429, "You have reached your request limit for the day.")
                .header("X-RateLimit-Reset", String.valueOf(reset)));
        try (Response r = server.gateway.post("/v1/chat/completions", Gateway.chat("gpt-4o", "Hi", null))) {
            long after = System.currentTimeMillis();
            // The gateway counts from its own now, somewhere between the two readings, in whole seconds rounded up.
            long most = (reset - before + 999) / 1000;
            long least = Math.max(1, (reset - after + 999) / 1000);
            assertThat(r.code()).isEqualTo(429);
            assertThat(Long.parseLong(r.header("Retry-After"))).isBetween(least, most);
            assertThat(r.header("x-should-retry")).isEqualTo("false");
            String at = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC)
                    .format(Instant.ofEpochMilli((reset + 59_999) / 60_000 * 60_000));
            String message = Gateway.json(r).at("/error/message").asText();
            Matcher m = Pattern.compile("You have reached your request limit for the day\\. Try again in about (\\d+) s \\(at "
                    + at + " UTC\\)\\.").matcher(message);
            assertThat(m.matches()).as("a chat UI shows this to a person: %s", message).isTrue();
            assertThat(Long.parseLong(m.group(1))).isBetween(least, most);
        }
    }

    @Test
    void a_providers_429_with_a_reset_says_when_to_try_again() throws IOException {
        server.upstream.enqueue(Script.status(429, "The provider is currently unavailable due to request limit.")
                .header("Retry-After", "30"));
        try (Response r = server.gateway.post("/v1/chat/completions", Gateway.chat("gpt-4o", "Hi", null))) {
            assertThat(r.code()).isEqualTo(429);
            assertThat(r.header("x-should-retry")).isEqualTo("true");
            assertThat(Gateway.json(r).at("/error/message").asText())
                    .matches("The provider is currently unavailable due to request limit\\. Try again in about (29|30) s \\(at .* UTC\\)\\.");
        }
        server.upstream.takeRequest();
    }

    @Test
    void a_refused_provider_key_says_so_and_is_neither_retried_nor_to_be_retried() throws IOException {
        server.upstream.enqueue(Script.status(403, "Access denied. Please make sure your API key is valid."));
        try (Response r = server.gateway.post("/v1/chat/completions", Gateway.chat("gpt-4o", "Hi", "\"stream\":true"))) {
            assertThat(r.code()).isEqualTo(502);
            assertThat(r.header("x-should-retry")).isEqualTo("false");
            assertThat(Gateway.json(r).at("/error/message").asText())
                    .contains("provider refused the API key", "Access denied", "Retrying will not help", "E2B_PROVIDER_KEYS");
        }
        server.upstream.takeRequest();
        server.upstream.assertNoRequest();
    }

    @Test
    void a_failure_a_retry_fixes_is_invisible_to_the_client() throws IOException {
        server.upstream.enqueue(Script.status(529, "The provider is currently unavailable. Please try again later."));
        server.upstream.enqueue(Script.drop());
        server.upstream.enqueue(Script.ok(Fragments.json("c", "third time lucky")).splitEvery(4));
        try (Response r = server.gateway.post("/v1/chat/completions", Gateway.chat("gpt-4o", "Hi", null))) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(Gateway.json(r).at("/choices/0/message/content").asText()).isEqualTo("third time lucky");
        }
        for (int i = 0; i < 3; i++) server.upstream.takeRequest();
        server.upstream.assertNoRequest();
    }

    @Test
    void nothing_is_retried_once_text_has_reached_the_client() throws IOException {
        String body = Fragments.json("c", "partial answer that then breaks");
        server.upstream.enqueue(Script.ok(body.substring(0, body.length() - 8)).thenCutConnection());
        try (Response r = server.gateway.post("/v1/chat/completions", Gateway.chat("gpt-4o", "Hi", "\"stream\":true"))) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).contains("partial answer", "\"error\"");
        }
        server.upstream.takeRequest();
        server.upstream.assertNoRequest();
    }

    @Test
    void an_unreachable_upstream_is_a_502_after_the_configured_attempts() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        try (Gateway g = Gateway.start(server.upstream, Map.of("E2B_BASE_URL", "http://127.0.0.1:" + port, "E2B_RETRY_MAX_ATTEMPTS", "2"));
             Response r = g.post("/v1/chat/completions", Gateway.chat("gpt-4o", "Hi", null))) {
            assertThat(r.code()).isEqualTo(502);
            assertThat(Gateway.json(r).at("/error/message").asText()).contains("connection refused");
        }
    }
}
