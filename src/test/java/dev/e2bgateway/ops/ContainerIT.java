package dev.e2bgateway.ops;

import dev.e2bgateway.support.FakeFragments;
import dev.e2bgateway.support.Fragments;
import dev.e2bgateway.support.Gateway;
import dev.e2bgateway.support.Podman;
import dev.e2bgateway.support.Poll;
import dev.e2bgateway.support.Script;
import dev.e2bgateway.support.SseReader;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

import static dev.e2bgateway.support.Podman.podman;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Dockerfile and compose.yaml for real, with Debian's podman. No image registry is reachable
 * from the test machines, and the build's Maven stage cannot reach Maven Central from inside a
 * container there, so the image is built with {@code --target prebuilt} from the jar this build
 * has just packaged (failsafe runs this after {@code package}), on a JRE base image made locally
 * from Debian packages (src/test/container/base-image.sh: debootstrap + openjdk-17-jre-headless,
 * about a minute the first time, then kept). Everything else is the image as shipped: its user,
 * entry point, health check, settings and memory flags.
 *
 * <p>The gateway container gets a network of its own (slirp4netns) with the host's loopback
 * reachable as 10.0.2.2, where the fake upstream listens, and its port published on the host's
 * loopback only. Skipped, loudly, where podman, runc or debootstrap is missing or the user is not
 * root (debootstrap and rootful podman need it), except under CI, where .ci/run installs them.
 */
class ContainerIT {

    /** A tag of this run's own: another checkout's test on the same machine builds its own image. */
    private static final String IMAGE = "localhost/e2b-gateway:it-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String JRE_BASE = "localhost/e2b-test-jre";
    private static final String REDIS_BASE = "localhost/e2b-test-redis";
    /** Where slirp4netns (allow_host_loopback) lets a container reach the host's 127.0.0.1. */
    private static final String HOST_LOOPBACK = "10.0.2.2";
    private static final Duration PODMAN = Duration.ofSeconds(60);
    private static final Duration BASE_IMAGE = Duration.ofMinutes(20);
    private static final Path PROJECT = Path.of("").toAbsolutePath();

    private final OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();

    @BeforeAll
    static void image() throws Exception {
        requireOrSkip("podman", "runc", "debootstrap");
        Path jar = PROJECT.resolve("target/e2b-gateway.jar");
        assertThat(jar).as("the packaged jar; run this test through `mvn verify`, which packages it first").exists();
        baseImage(JRE_BASE, "openjdk-17-jre-headless");
        long start = System.nanoTime();
        List<String> build = new ArrayList<>(List.of("podman"));
        build.addAll(Podman.RUNTIME);
        build.addAll(List.of("build", "--format", "docker")); // docker format: OCI images have no HEALTHCHECK
        build.addAll(Podman.LIMITS);
        build.addAll(List.of("--build-arg", "RUNTIME_IMAGE=" + JRE_BASE, "--target", "prebuilt", "-t", IMAGE, PROJECT.toString()));
        Podman.run(Duration.ofMinutes(5), build, Map.of(), "podman build").ok("podman build");
        System.out.printf("[container] image %s built in %d ms%n", IMAGE, (System.nanoTime() - start) / 1_000_000);
    }

    @AfterAll
    static void removeImage() throws Exception {
        if (Podman.installed("podman")) podman(PODMAN, "rmi", "--force", "--ignore", IMAGE);
    }

    @Test
    void the_image_chats_and_streams_as_a_non_root_jvm_with_run_sh_memory_flags_and_reports_healthy() throws Exception {
        try (FakeFragments upstream = new FakeFragments();
             Container gateway = Container.start(upstream, Map.of())) {
            upstream.enqueue(Script.ok(Fragments.json("c", "Hello from the upstream.")));
            try (Response r = http.newCall(chat(gateway, false)).execute()) {
                assertThat(r.code()).isEqualTo(200);
                assertThat(Gateway.json(r).at("/choices/0/message/content").asText()).isEqualTo("Hello from the upstream.");
            }
            assertThat(upstream.takeRequest().path()).isEqualTo("/api/chat");

            upstream.enqueue(Script.ok(Fragments.json("c", "A streamed reply, in pieces.")).splitEvery(7));
            try (Response r = http.newCall(chat(gateway, true)).execute()) {
                assertThat(r.code()).isEqualTo(200);
                StringBuilder text = new StringBuilder();
                List<String> events = new SseReader(r).rest();
                for (String e : events) {
                    if (!e.equals("[DONE]")) text.append(Gateway.json(e).at("/choices/0/delta/content").asText(""));
                }
                assertThat(text.toString()).isEqualTo("A streamed reply, in pieces.");
                assertThat(events).last().isEqualTo("[DONE]");
            }

            // The JVM itself is PID 1 (so SIGTERM reaches its shutdown hook), as the image's user,
            // with run.sh's memory flags and malloc arenas.
            assertThat(gateway.exec("id", "-u").text()).isEqualTo("10001");
            assertThat(gateway.exec("cat", "/proc/1/comm").text()).isEqualTo("java");
            String cmdline = gateway.exec("cat", "/proc/1/cmdline").output().replace('\0', ' ');
            assertThat(cmdline).contains("-Xms16m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:MinHeapFreeRatio=10",
                    "-XX:MaxHeapFreeRatio=30", "-XX:+ExitOnOutOfMemoryError", "-jar /app/e2b-gateway.jar");
            assertThat(gateway.exec("sh", "-c", "tr '\\0' '\\n' < /proc/1/environ").output()).contains("MALLOC_ARENA_MAX=2");

            // The image's HEALTHCHECK, run now (podman runs it on a timer only under systemd).
            assertThat(podman(PODMAN, "healthcheck", "run", gateway.name).exit()).isZero();
            assertThat(podman(PODMAN, "inspect", "--format", "{{.State.Health.Status}}", gateway.name).text()).isEqualTo("healthy");
        }
    }

    @Test
    void sigterm_mid_stream_lets_the_stream_finish_turns_the_health_check_unhealthy_and_exits_0() throws Exception {
        try (FakeFragments upstream = new FakeFragments();
             Container gateway = Container.start(upstream, Map.of("E2B_SHUTDOWN_GRACE_MS", "20000"))) {
            // The upstream holds the second half of the reply back until the test has seen the
            // gateway draining, so the stream is in flight however slowly the container stops.
            CountDownLatch drainingSeen = new CountDownLatch(1);
            String body = Fragments.json("c", "The first half, and then the second half.");
            int split = body.indexOf("and then");
            upstream.enqueue(Script.pieces(body.substring(0, split), body.substring(split)).gateBefore(1, drainingSeen));
            try (Response r = http.newCall(chat(gateway, true)).execute()) {
                SseReader sse = new SseReader(r);
                sse.next();
                assertThat(Gateway.json(sse.next()).at("/choices/0/delta/content").asText()).isEqualTo("The first half, ");

                podman(PODMAN, "kill", "--signal", "TERM", gateway.name).ok("podman kill --signal TERM");
                // Draining: the listening socket is closed, so the health check cannot connect.
                Poll.until("the health check fails while the gateway drains", Duration.ofSeconds(20),
                        () -> podman(PODMAN, "healthcheck", "run", gateway.name).exit() != 0);
                assertThat(gateway.running()).as("still running: the stream is in flight").isTrue();
                drainingSeen.countDown();

                List<String> rest = sse.rest();
                assertThat(rest).last().isEqualTo("[DONE]");
                assertThat(rest).noneMatch(e -> e.contains("\"error\""));
                assertThat(rest).anyMatch(e -> e.contains("and then the second half."));
            }
            assertThat(podman(Duration.ofSeconds(40), "wait", gateway.name).text()).as(gateway.logs()).isEqualTo("0");
            assertThat(gateway.logs()).contains("shutting down", "stopped");
        }
    }

    @Test
    void without_a_key_of_its_own_the_container_refuses_to_start_and_says_why() throws Exception {
        Podman.Result none = podman(PODMAN, runArgs("--rm", IMAGE));
        assertThat(none.exit()).as(none.output()).isEqualTo(2);
        assertThat(none.output()).contains("set E2B_API_KEY (or E2B_KEYS_FILE) to a secret of your own");

        Podman.Result wellKnown = podman(PODMAN, runArgs("--rm", "-e", "E2B_API_KEY=sk-mine, sk-123456", IMAGE));
        assertThat(wellKnown.exit()).as(wellKnown.output()).isEqualTo(2);
        assertThat(wellKnown.output()).contains("includes the well-known key sk-123456");
    }

    /**
     * compose.yaml's gateway and Redis with Debian's podman-compose: the pair comes up on the
     * compose network, and the gateway's stored responses live in that Redis (an unknown id is a
     * 404 while Redis runs, a 503 naming redis:6379 once it is stopped). No chat here: a container
     * on the compose network cannot reach the host's loopback, where a fake upstream would listen.
     */
    @Test
    void compose_runs_the_gateway_with_its_redis() throws Exception {
        requireOrSkip("podman-compose");
        baseImage(REDIS_BASE, "redis-server");
        String project = "e2bit" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> env = Map.of("E2B_IMAGE", IMAGE, "REDIS_IMAGE", REDIS_BASE, "E2B_API_KEY", Gateway.KEY,
                "E2B_PUBLISH", "127.0.0.1:", // any free port on the host's loopback
                "E2B_BASE_URL", "http://127.0.0.1:9");
        try {
            compose(env, project, "up", "-d", "gateway", "redis").ok("podman-compose up");
            String gateway = podman(PODMAN, "ps", "--filter", "label=com.docker.compose.project=" + project,
                    "--filter", "label=com.docker.compose.service=gateway", "--format", "{{.Names}}").ok("podman ps").text();
            String redis = podman(PODMAN, "ps", "--filter", "label=com.docker.compose.project=" + project,
                    "--filter", "label=com.docker.compose.service=redis", "--format", "{{.Names}}").ok("podman ps").text();
            String base = "http://" + awaitPublished(gateway);
            awaitHealthy(base, gateway);

            String unknown = base + "/v1/responses/resp_0123456789abcdef0123456789abcdef";
            Poll.until("the gateway answers from Redis", Duration.ofSeconds(30), () -> status(unknown) == 404);
            podman(PODMAN, "stop", redis).ok("podman stop redis");
            try (Response r = get(unknown)) {
                assertThat(r.code()).isEqualTo(503);
                assertThat(r.body().string()).contains("store_unavailable", "redis:6379");
            }
            podman(PODMAN, "start", redis).ok("podman start redis");
            Poll.until("the gateway answers from Redis again", Duration.ofSeconds(30), () -> status(unknown) == 404);
        } finally {
            compose(env, project, "down", "-v");
            podman(PODMAN, "network", "rm", "-f", project + "_default"); // podman-compose 1.0 leaves it
        }
    }

    // ---- helpers ----

    /** A running gateway container, removed on close. */
    private record Container(String name, String baseUrl) implements AutoCloseable {

        static Container start(FakeFragments upstream, Map<String, String> env) throws Exception {
            String name = "e2b-it-" + UUID.randomUUID().toString().substring(0, 8);
            List<String> args = new ArrayList<>(List.of("-d", "--name", name,
                    "--network", "slirp4netns:allow_host_loopback=true", "-p", "127.0.0.1::8080",
                    "-e", "E2B_API_KEY=" + Gateway.KEY, "-e", "E2B_BASE_URL=http://" + HOST_LOOPBACK + ":" + upstream.port()));
            env.forEach((k, v) -> args.addAll(List.of("-e", k + "=" + v)));
            args.add(IMAGE);
            podman(PODMAN, runArgs(args.toArray(String[]::new))).ok("podman run");
            Container container = new Container(name, "http://" + awaitPublished(name));
            try {
                awaitHealthy(container.baseUrl, name);
            } catch (Exception | Error e) {
                container.close();
                throw e;
            }
            return container;
        }

        Podman.Result exec(String... command) throws Exception {
            List<String> args = new ArrayList<>(List.of("exec", name));
            args.addAll(List.of(command));
            return podman(PODMAN, args.toArray(String[]::new)).ok("podman exec " + String.join(" ", command));
        }

        boolean running() throws Exception {
            return podman(PODMAN, "inspect", "--format", "{{.State.Running}}", name).text().equals("true");
        }

        String logs() throws Exception {
            return podman(PODMAN, "logs", name).output();
        }

        @Override
        public void close() throws Exception {
            podman(PODMAN, "rm", "-f", "-t", "0", name);
        }
    }

    private static String[] runArgs(String... args) {
        List<String> all = new ArrayList<>(List.of("run"));
        all.addAll(Podman.LIMITS);
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    /** The host address and port podman published the container's 8080 on. */
    private static String awaitPublished(String container) throws Exception {
        String[] published = new String[1];
        Poll.until(container + " has its port published", Duration.ofSeconds(30), () -> {
            Podman.Result port = podman(PODMAN, "port", container, "8080");
            published[0] = port.text();
            return port.exit() == 0 && published[0].startsWith("127.0.0.1:");
        });
        return published[0];
    }

    /** Waits for /health to answer 200; fails at once, with the container's log, if it exits. */
    private static void awaitHealthy(String baseUrl, String container) throws Exception {
        OkHttpClient client = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(5)).build();
        Poll.until(container + " answers /health", Duration.ofSeconds(60), () -> {
            try (Response r = client.newCall(new Request.Builder().url(baseUrl + "/health").build()).execute()) {
                if (r.code() == 200) return true;
            } catch (IOException notYet) {
                // the JVM is starting (the published port accepts before the gateway listens)
            }
            if (!podman(PODMAN, "inspect", "--format", "{{.State.Running}}", container).text().equals("true")) {
                throw new AssertionError(container + " exited: " + podman(PODMAN, "logs", container).output());
            }
            return false;
        });
    }

    private Response get(String url) throws IOException {
        return http.newCall(new Request.Builder().url(url).header("Authorization", "Bearer " + Gateway.KEY).build()).execute();
    }

    private int status(String url) throws IOException {
        try (Response r = get(url)) {
            return r.code();
        }
    }

    private static Request chat(Container gateway, boolean stream) {
        return new Request.Builder().url(gateway.baseUrl + "/v1/chat/completions").header("Authorization", "Bearer " + Gateway.KEY)
                .post(RequestBody.create(Gateway.chat("gpt-4o", "Hi", "\"stream\":" + stream), MediaType.get("application/json")))
                .build();
    }

    private static Podman.Result compose(Map<String, String> env, String project, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("podman-compose", "-p", project,
                "--podman-args=" + String.join(" ", Podman.RUNTIME), "--podman-run-args=" + String.join(" ", Podman.LIMITS),
                "-f", PROJECT.resolve("compose.yaml").toString()));
        command.addAll(List.of(args));
        return Podman.run(Duration.ofMinutes(3), command, env, "podman-compose");
    }

    /** The local base image, made once with debootstrap (about a minute) and kept between runs. */
    private static void baseImage(String name, String packages) throws Exception {
        if (podman(PODMAN, "image", "exists", name).exit() == 0) return;
        System.out.println("[container] making the base image " + name + " with debootstrap (" + packages + "); the first time takes a minute or more");
        Podman.run(BASE_IMAGE, List.of(PROJECT.resolve("src/test/container/base-image.sh").toString(), name, packages),
                Map.of(), "base image").ok("src/test/container/base-image.sh " + name);
    }

    /** Skips (loudly) where a tool is missing or the user is not root; under CI, fails instead. */
    private static void requireOrSkip(String... programs) {
        List<String> missing = new ArrayList<>();
        for (String p : programs) if (!Podman.installed(p)) missing.add(p);
        boolean root = "root".equals(System.getProperty("user.name"));
        String why = !missing.isEmpty() ? String.join(", ", missing) + " not installed (apt-get install -y " + String.join(" ", missing) + ")"
                : !root ? "not running as root (debootstrap and rootful podman need it)" : null;
        if (why == null) return;
        if ("true".equals(System.getenv("CI"))) throw new AssertionError("The container test cannot run: " + why + ". .ci/run installs them.");
        String message = "CONTAINER TEST SKIPPED: " + why + "; the Dockerfile and compose.yaml are not tested on this machine.";
        System.out.println("*".repeat(100) + "\n" + message + "\n" + "*".repeat(100));
        Assumptions.assumeTrue(false, message);
    }
}
