package dev.e2bgateway.guard;

import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.Http1;
import dev.e2bgateway.support.RunningGateway;
import dev.e2bgateway.support.Script;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/1.1 pipelining: a second request written right behind a slow first one, on the same
 * connection, while the disconnect watch is armed on the first. No byte of it may be lost.
 */
class PipeliningTest {

    /** The disconnect watch arms at once, so it is surely watching when the second request arrives. */
    @RegisterExtension
    static final RunningGateway server = new RunningGateway(java.util.Map.of("E2B_DISCONNECT_WATCH_DELAY_MS", "0"));

    record Reply(int status, String body) {}

    static String request(String method, String path, String body) {
        String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + Gateway.KEY + "\r\n";
        if (body == null) return head + "\r\n";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return head + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n" + body;
    }

    /** Reads one response: status, headers, and a body by Content-Length or chunked. */
    static Reply read(InputStream in) throws IOException {
        String head = Http1.readHead(in);
        assertThat(head).as("a response").isNotNull();
        int status = Integer.parseInt(head.substring(9, 12));
        String lower = head.toLowerCase(Locale.ROOT);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (lower.contains("transfer-encoding: chunked")) {
            while (true) {
                String size = line(in);
                int n = Integer.parseInt(size.trim(), 16);
                if (n == 0) {
                    line(in);
                    break;
                }
                body.write(in.readNBytes(n));
                line(in);
            }
        } else {
            int at = lower.indexOf("content-length:");
            int n = Integer.parseInt(lower.substring(at + 15, lower.indexOf("\r\n", at)).trim());
            body.write(in.readNBytes(n));
        }
        return new Reply(status, body.toString(StandardCharsets.UTF_8));
    }

    static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) throw new IOException("the connection closed mid-body");
            if (b != '\r') s.append((char) b);
        }
        return s.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"chat", "stream", "models"})
    void a_pipelined_request_behind_a_slow_one_loses_no_byte(String second) throws IOException {
        // The first reply waits 600 ms for its headers: the disconnect watch is armed by then.
        server.upstream.enqueue(Script.reply("slow answer").headerDelay(600));
        server.upstream.enqueue(Script.reply("second answer"));
        String first = request("POST", "/v1/chat/completions", Gateway.chat("gpt-4o", "one", null));
        String next = switch (second) {
            case "chat" -> request("POST", "/v1/chat/completions", Gateway.chat("gpt-4o", "two", null));
            case "stream" -> request("POST", "/v1/chat/completions", Gateway.chat("gpt-4o", "two", "\"stream\":true"));
            default -> request("GET", "/v1/models", null);
        };
        try (Socket socket = new Socket("127.0.0.1", server.gateway.app.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(first.getBytes(StandardCharsets.UTF_8));
            out.flush();
            // Once the upstream has the first request, the gateway is waiting on it, watching the connection.
            assertThat(server.upstream.takeRequest().body().toString()).contains("one");
            out.write(next.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            Reply one = read(in);
            assertThat(one.status()).isEqualTo(200);
            assertThat(one.body()).contains("slow answer");
            Reply two = read(in);
            assertThat(two.status()).as(two.body()).isEqualTo(200);
            switch (second) {
                case "models" -> assertThat(two.body()).contains("\"object\":\"list\"");
                case "stream" -> assertThat(two.body()).contains("second answer", "data: [DONE]");
                default -> assertThat(two.body()).contains("second answer");
            }
        }
        if (!second.equals("models")) server.upstream.takeRequest();
    }
}
