package dev.e2bgateway.guard;

import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.GatewayProcess;
import dev.e2bgateway.support.Script;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The disconnect watch (http/ClientDisconnect) against the gateway as a process, on every
 * protocol it serves, which is HTTP/1.1 alone: a pipelined request that arrives while a chat is
 * watched is answered, a client that hangs up cancels the upstream call, and h2c (prior knowledge
 * or upgrade) is not served. If a Jetty or Javalin upgrade changes any of this, a test here
 * fails: the watch reads from the connection, which is right for HTTP/1.1 only.
 */
class DisconnectWatchProcessIT {

    private static FakeFragments upstream;
    private static GatewayProcess gw;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeFragments();
        // The watch arms at once, so it is surely watching when the test's bytes arrive.
        gw = GatewayProcess.start(Map.of("E2B_BASE_URL", upstream.baseUrl(), "E2B_DISCONNECT_WATCH_DELAY_MS", "0"));
    }

    @AfterAll
    static void stop() {
        gw.close();
        upstream.close();
    }

    private static Socket connect() throws Exception {
        Socket socket = new Socket("127.0.0.1", gw.port);
        socket.setSoTimeout(10_000);
        return socket;
    }

    @Test
    void a_request_pipelined_behind_a_watched_chat_is_answered_over_http_1_1() throws Exception {
        upstream.clearRequests();
        upstream.enqueue(Script.reply("slow answer").headerDelay(600));
        upstream.enqueue(Script.reply("second answer"));
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(PipeliningTest.request("POST", "/v1/chat/completions", Gateway.chat("gpt-4o", "one", null)).getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertThat(upstream.takeRequest().body().toString()).contains("one"); // the chat waits, watched
            out.write(PipeliningTest.request("POST", "/v1/chat/completions", Gateway.chat("gpt-4o", "two", "\"stream\":true"))
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            PipeliningTest.Reply one = PipeliningTest.read(in);
            assertThat(one.status()).isEqualTo(200);
            assertThat(one.body()).contains("slow answer");
            PipeliningTest.Reply two = PipeliningTest.read(in);
            assertThat(two.status()).as(two.body()).isEqualTo(200);
            assertThat(two.body()).contains("second answer", "data: [DONE]");
        }
        assertThat(upstream.takeRequest().body().toString()).contains("two");
    }

    @Test
    void a_client_that_hangs_up_while_its_chat_waits_for_the_first_byte_cancels_the_upstream_call() throws Exception {
        for (boolean streaming : new boolean[]{false, true}) {
            upstream.clearRequests();
            upstream.resetAborts();
            upstream.enqueue(Script.reply("late").headerDelay(20_000));
            try (Socket socket = connect()) {
                socket.getOutputStream().write(PipeliningTest.request("POST", "/v1/chat/completions",
                        Gateway.chat("gpt-4o", "Hi", "\"stream\":" + streaming)).getBytes(StandardCharsets.UTF_8));
                socket.getOutputStream().flush();
                upstream.takeRequest();
            } // the client hangs up
            assertThat(upstream.awaitAbort(10_000)).as("the upstream call is cancelled (stream=%s)", streaming).isTrue();
        }
    }

    @Test
    void h2c_is_not_served_so_the_watch_only_ever_sees_http_1_1() throws Exception {
        // Prior knowledge: the HTTP/2 connection preface is not understood as HTTP/2.
        try (Socket socket = connect()) {
            socket.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String status = PipeliningTest.line(socket.getInputStream());
            assertThat(status).as("an HTTP/1.1 refusal, not an HTTP/2 SETTINGS frame").startsWith("HTTP/1.1 4");
        }
        // Upgrade: the request is answered over HTTP/1.1, never with 101 Switching Protocols.
        try (Socket socket = connect()) {
            socket.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                    + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            PipeliningTest.Reply reply = PipeliningTest.read(socket.getInputStream());
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body()).contains("\"status\":\"ok\"");
        }
    }
}
