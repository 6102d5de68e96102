package dev.e2bgateway.ops;

import dev.e2bgateway.App;
import dev.e2bgateway.config.Config;
import dev.e2bgateway.support.Http1;
import dev.e2bgateway.support.LoopbackServer;
import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.EventListener;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upstream connections the gateway opens have Nagle's algorithm off: with it on, a request
 * body longer than one segment waited for the upstream's delayed acknowledgement (40 ms on
 * Linux) before its last segment went (docs/benchmarks.md, "The tail at one connection").
 */
class UpstreamSocketTest {

    /** Reads one request and answers 200 "ok". */
    private static final class OkServer extends LoopbackServer {
        private final AtomicReference<String> body = new AtomicReference<>();

        OkServer() {
            super("ok-server", 16);
            start();
        }

        @Override
        protected void serve(Socket socket) {
            try (socket) {
                InputStream in = socket.getInputStream();
                String head = Http1.readHead(in);
                if (head == null) return;
                body.set(Http1.readBody(in, head));
                socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                        .getBytes(StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                // the client went away
            }
        }
    }

    @Test
    void theUpstreamClientsConnectionsSendAtOnce() throws Exception {
        try (OkServer server = new OkServer()) {
            String base = "http://127.0.0.1:" + server.port();
            AtomicReference<Boolean> noDelay = new AtomicReference<>();
            OkHttpClient client = App.httpClient(Config.from(Map.of("E2B_BASE_URL", base))).newBuilder()
                    .eventListener(new EventListener() {
                        @Override
                        public void connectionAcquired(Call call, Connection connection) {
                            try {
                                noDelay.set(connection.socket().getTcpNoDelay());
                            } catch (SocketException e) {
                                throw new IllegalStateException(e);
                            }
                        }
                    }).build();
            String big = "x".repeat(200_000); // several segments, the last one short
            Request request = new Request.Builder().url(base + "/api/chat")
                    .post(RequestBody.create(big, MediaType.get("application/json"))).build();
            try (Response response = client.newCall(request).execute()) {
                assertThat(response.body().string()).isEqualTo("ok");
            }
            assertThat(server.body.get()).isEqualTo(big);
            assertThat(noDelay.get()).as("TCP_NODELAY on the upstream connection").isTrue();
        }
    }
}
