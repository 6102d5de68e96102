package dev.e2bgateway.ops;

import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.GatewayProcess;
import dev.e2bgateway.support.Poll;
import dev.e2bgateway.support.Script;
import dev.e2bgateway.support.SseReader;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.e2bgateway.support.ChildServers.candidatePort;
import static dev.e2bgateway.support.ChildServers.read;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/nginx.conf for real: nginx (Debian's package) in front of two gateway processes.
 * Skipped where nginx is not installed, except under CI, where .ci/run installs it.
 */
class NginxDeploymentIT {

    @TempDir
    Path dir;

    @Test
    void streams_pass_through_nginx_unbuffered_and_a_graceful_stop_loses_no_request() throws Exception {
        boolean installed = Files.isExecutable(Path.of("/usr/sbin/nginx"));
        if (!installed && "true".equals(System.getenv("CI"))) throw new AssertionError("nginx is not installed (.ci/run installs it)");
        Assumptions.assumeTrue(installed, "nginx is not installed");

        try (FakeFragments upstream = new FakeFragments();
             GatewayProcess a = GatewayProcess.start(Map.of("E2B_BASE_URL", upstream.baseUrl(), "E2B_SHUTDOWN_GRACE_MS", "10000"));
             GatewayProcess b = GatewayProcess.start(Map.of("E2B_BASE_URL", upstream.baseUrl()))) {
            Nginx nginx = startNginx(a.port, b.port);
            try {
                String base = "http://127.0.0.1:" + nginx.port();
                OkHttpClient client = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();

                // 1. A streamed reply arrives event by event: the upstream holds back the rest
                //    until the client has seen the first text.
                CountDownLatch clientSawText = new CountDownLatch(1);
                String body = Fragments.json("c", "First part. Second part.");
                int split = body.indexOf("Second");
                Script gated = Script.pieces(body.substring(0, split), body.substring(split)).gateBefore(1, clientSawText);
                upstream.enqueue(gated);
                try (Response r = client.newCall(chat(base, true)).execute()) {
                    SseReader sse = new SseReader(r);
                    sse.next();
                    assertThat(Gateway.json(sse.next()).at("/choices/0/delta/content").asText()).isEqualTo("First part. ");
                    clientSawText.countDown();
                    assertThat(sse.rest()).last().isEqualTo("[DONE]");
                }
                assertThat(gated.openedByGate()).as("not held back by nginx: the rest was sent because the client saw the first text").isTrue();

                // 2. Load through nginx while gateway A is stopped gracefully: no request fails.
                upstream.fallback(Script.ok(Fragments.json("c", "steady answer, streamed in pieces")).splitEvery(12).pause(40));
                AtomicBoolean running = new AtomicBoolean(true);
                AtomicInteger ok = new AtomicInteger();
                List<String> failures = new CopyOnWriteArrayList<>();
                Thread[] clients = new Thread[6];
                for (int i = 0; i < clients.length; i++) {
                    boolean stream = i % 2 == 0;
                    clients[i] = new Thread(() -> {
                        while (running.get()) {
                            try (Response r = client.newCall(chat(base, stream)).execute()) {
                                String text = r.body().string();
                                boolean complete = r.code() == 200 && (stream ? text.endsWith("data: [DONE]\n\n") : text.contains("\"finish_reason\":\"stop\""));
                                if (complete) ok.incrementAndGet();
                                else failures.add(r.code() + " " + text);
                            } catch (IOException e) {
                                failures.add(e.toString());
                            }
                        }
                    });
                    clients[i].start();
                }
                // Stop A once load flows through both gateways...
                Poll.until("chats completed through both gateways", Duration.ofSeconds(30),
                        () -> ok.get() >= 9 && chatsServed(a) >= 3 && chatsServed(b) >= 3);
                a.terminate();
                assertThat(a.awaitExit(30)).as(a.output()).isZero();
                // ...and keep it up until two rounds of requests made after A was gone have completed.
                int okWhenAStopped = ok.get();
                Poll.until("chats completed after gateway A stopped", Duration.ofSeconds(30),
                        () -> ok.get() >= okWhenAStopped + 2 * clients.length);
                running.set(false);
                for (Thread t : clients) t.join(30_000);
                assertThat(failures).as("requests lost while gateway A stopped").isEmpty();
            } finally {
                nginx.process().destroy();
                nginx.process().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Chat completions a gateway has answered with 200, from its access log. */
    private static int chatsServed(GatewayProcess gateway) throws IOException {
        return gateway.output().split(" POST /v1/chat/completions 200 ", -1).length - 1;
    }

    private static Request chat(String base, boolean stream) {
        return new Request.Builder().url(base + "/v1/chat/completions").header("Authorization", "Bearer " + Gateway.KEY)
                .post(RequestBody.create(Gateway.chat("gpt-4o", "Hi", "\"stream\":" + stream), MediaType.get("application/json")))
                .build();
    }

    /** nginx as started for the test, and the port it listens on. */
    private record Nginx(Process process, int port) {}

    /**
     * Starts nginx with deploy/nginx.conf in front of the two gateways, on a port of its own.
     *
     * <p>nginx refuses {@code listen 127.0.0.1:0} ("invalid port") and would not tell which port
     * it got anyway, so the test names the port. It binds nothing beforehand to find a free one
     * (a port released again can be taken before nginx binds it): it tries a random port below
     * the kernel's ephemeral range, which outgoing connections (these tests' clients included)
     * are never given. Should another program listen there, nginx cannot bind, says
     * "Address already in use" and exits; the test reads that and tries another port. Once nginx
     * has logged "start worker processes" its listening socket is open, and the port is its own.
     */
    private Nginx startNginx(int gatewayA, int gatewayB) throws Exception {
        for (int attempt = 1; ; attempt++) {
            int port = candidatePort();
            Process p = launchNginx(port, gatewayA, gatewayB);
            Path errorLog = dir.resolve("error.log");
            try {
                Poll.until("nginx binds port " + port + " or gives up", Duration.ofSeconds(20),
                        () -> !p.isAlive() || read(errorLog).contains("start worker processes"));
                if (p.isAlive()) {
                    awaitHealth(p, port);
                    return new Nginx(p, port);
                }
            } catch (Exception | Error e) {
                p.destroy();
                throw e;
            }
            String errors = read(dir.resolve("nginx.out")) + read(errorLog);
            if (!errors.contains("Address already in use") || attempt == 5) {
                throw new AssertionError("nginx did not start on port " + port + " (attempt " + attempt + "): " + errors);
            }
        }
    }

    private Process launchNginx(int port, int gatewayA, int gatewayB) throws IOException {
        String conf = Files.readString(Path.of("deploy", "nginx.conf"))
                .replace("listen 8080;", "listen 127.0.0.1:" + port + ";")
                .replace("127.0.0.1:8081", "127.0.0.1:" + gatewayA)
                .replace("127.0.0.1:8082", "127.0.0.1:" + gatewayB)
                .replace("pid /run/nginx-e2b-gateway.pid;", "pid " + dir.resolve("nginx.pid") + ";");
        assertThat(conf).contains("listen 127.0.0.1:" + port + ";", "127.0.0.1:" + gatewayA, "127.0.0.1:" + gatewayB);
        Path file = dir.resolve("nginx.conf");
        Files.writeString(file, conf);
        Files.deleteIfExists(dir.resolve("error.log"));
        return new ProcessBuilder("/usr/sbin/nginx", "-p", dir.toString(), "-c", file.toString(),
                "-g", "daemon off; error_log " + dir.resolve("error.log") + " notice;")
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
    }

    private void awaitHealth(Process nginx, int port) throws Exception {
        OkHttpClient client = new OkHttpClient();
        Poll.until("a gateway answers /health through nginx", Duration.ofSeconds(10), () -> {
            if (!nginx.isAlive()) throw new AssertionError("nginx exited: " + read(dir.resolve("nginx.out")) + read(dir.resolve("error.log")));
            try (Response r = client.newCall(new Request.Builder().url("http://127.0.0.1:" + port + "/health").build()).execute()) {
                return r.code() == 200;
            }
        });
    }
}
