package dev.e2bgateway.http;

import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.GatewayProcess;
import dev.e2bgateway.support.Http1;
import dev.e2bgateway.support.Poll;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Log forgery (CWE-117) against the gateway as a process, its standard error captured: a control
 * character in any value a client controls and the gateway echoes into a log line (the model, the
 * path, a tool name, a previous_response_id, a key's first characters) cannot start a line of the
 * client's choosing. The gateway's own loggers run at DEBUG so every level is seen. Request ids
 * are the gateway's own (a client's x-request-id is not echoed).
 */
class LogForgeryIT {

    /** How slf4j-simple starts every line: [thread] LEVEL logger - message. */
    private static final Pattern LOG_LINE = Pattern.compile("^\\[[^\\]]+] (TRACE|DEBUG|INFO|WARN|ERROR) [\\w.$]+ - .*");
    private static final Pattern LINE_BREAKING = Pattern.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u2028\\u2029]");
    /** What each forged line would say: it must be found, but only inside a line the gateway started. */
    private static final String FORGED = "[main] WARN dev.e2bgateway.Forged - FORGED ";

    private final OkHttpClient client = new OkHttpClient();

    private int send(GatewayProcess gw, Request.Builder request) throws IOException {
        try (Response r = client.newCall(request.header("Authorization", "Bearer " + Gateway.KEY).build()).execute()) {
            r.body().string();
            return r.code();
        }
    }

    private int post(GatewayProcess gw, String path, String json) throws IOException {
        return send(gw, new Request.Builder().url(gw.baseUrl() + path).post(RequestBody.create(json, MediaType.get("application/json"))));
    }

    /** A request written byte for byte: header bytes OkHttp would refuse to send. */
    private static String raw(GatewayProcess gw, byte[] request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", gw.port)) {
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            return Http1.readHead(s.getInputStream());
        }
    }

    @Test
    void a_control_character_in_any_echoed_field_cannot_start_a_log_line() throws Exception {
        try (FakeFragments upstream = new FakeFragments();
             GatewayProcess gw = GatewayProcess.start(Map.of("E2B_BASE_URL", upstream.baseUrl(),
                     "JAVA_TOOL_OPTIONS", "-Dorg.slf4j.simpleLogger.log.dev.e2bgateway=debug"))) {
            List<String> breaks = List.of("\n", "\r", "\r\n", "\u2028", "\u2029", "\u0085", "\u000b", "\u001b[2K\r");
            for (String br : breaks) {
                String forged = Gateway.quote(br + FORGED + "model");
                assertThat(post(gw, "/v1/chat/completions", "{\"model\":\"gpt-4o" + forged.substring(1)
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")).isEqualTo(404);
            }
            String newline = Gateway.quote("\n" + FORGED + "anthropic-model");
            assertThat(post(gw, "/v1/messages", "{\"model\":\"claude" + newline.substring(1)
                    + ",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")).isBetween(400, 404);
            String toolName = Gateway.quote("get_weather\r\n" + FORGED + "tool");
            assertThat(post(gw, "/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                    + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}}],"
                    + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":" + toolName + "}}}"))
                    .isEqualTo(400);
            String previous = Gateway.quote("resp_\u2028" + FORGED + "previous\n" + FORGED + "previous");
            assertThat(post(gw, "/v1/responses", "{\"model\":\"gpt-4o\",\"input\":\"Hi\",\"previous_response_id\":" + previous + "}"))
                    .isBetween(400, 404);
            // Line breaks in the path (percent-encoded): Jetty refuses these before any handler; were one let through, it is escaped.
            HttpUrl path = HttpUrl.get(gw.baseUrl()).newBuilder().addPathSegments("v1/models")
                    .addPathSegment("gpt\u2028" + FORGED + "path\u0085" + FORGED + "path").build();
            assertThat(send(gw, new Request.Builder().url(path))).isBetween(400, 404);
            HttpUrl unknown = HttpUrl.get(gw.baseUrl()).newBuilder().addPathSegment("nowhere\u2029" + FORGED + "unknown-path").build();
            assertThat(send(gw, new Request.Builder().url(unknown))).isBetween(400, 404);
            // A key whose first characters carry a C1 control (an ISO-8859-1 byte in a header).
            byte[] head = ("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nx-api-key: sk-").getBytes(StandardCharsets.US_ASCII);
            byte[] key = {(byte) 0x85, 'F', 'O', 'R', 'G', 'E', 'D', (byte) 0x9b, 'K', 'E', 'Y', '\r', '\n', '\r', '\n'}; // Jetty refuses C0 here
            byte[] request = new byte[head.length + key.length];
            System.arraycopy(head, 0, request, 0, head.length);
            System.arraycopy(key, 0, request, head.length, key.length);
            assertThat(raw(gw, request)).startsWith("HTTP/1.1 401");

            Poll.until("the last request's lines are written", Duration.ofSeconds(10),
                    () -> gw.output().contains("rejected key") && gw.output().contains("GET /v1/models 401"));
            String out = gw.output();
            for (String field : List.of("model", "anthropic-model", "tool", "previous")) {
                assertThat(out).as("the " + field + " reached the log, escaped").contains("FORGED " + field);
            }
            assertThat(out).as("the key's prefix, escaped").contains("sk-\\u0085...").doesNotContain("FORGEDKEY"); // 4 characters of a key, escaped
            assertThat(LINE_BREAKING.matcher(out).find()).as("no character a log viewer could break a line at").isFalse();
            for (String line : out.split("\n")) {
                if (line.startsWith("Picked up JAVA_TOOL_OPTIONS")) continue; // the JVM's own, about the setting above
                assertThat(line).as("every line is one the gateway started").matches(LOG_LINE).doesNotStartWith(FORGED.trim());
            }
        }
    }
}
