package dev.e2bgateway.bench;

import com.sun.tools.attach.VirtualMachine;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hot-path benchmark (bench/hotpath.sh): what one request costs through the gateway, side by
 * side with nginx's proxy_pass in front of the same fake upstream (the floor a proxy reaches on
 * this machine) and, when {@code E2B_GO_ORIGINAL} names its binary, the Go gateway this project
 * replaces. Three request shapes (a short chat, a streamed chat, an agent-sized request), each at
 * 1 and 32 connections, in interleaved rounds: added latency p50 / p99 / p99.9 (the target's
 * percentile minus the same percentile straight to the fake), CPU per request (the process and
 * its children, from /proc), allocation per request (JVM targets: the heap bytes all threads
 * allocated, read over JMX) and requests per second. Prints best-of and the spread over rounds.
 */
public final class HotPath {

    private static final String KEY = "sk-bench-0123456789";
    /** A model id both the gateway and the Go original know. */
    private static final String MODEL = "o1-preview";

    record Shape(String name, String body) {}

    record Sample(double p50, double p99, double p999, long requests, double rps, double cpuMicros, double allocBytes) {}

    /** A process under test: its URL, how to read its CPU and allocation, how to stop it. */
    interface Target extends AutoCloseable {
        String name();

        String url();

        /** CPU ticks (user + system) of the target's processes so far. */
        long cpuTicks() throws IOException;

        /** Heap bytes allocated so far, or -1 where the target is no JVM. */
        long allocatedBytes();

        /** Whether the target takes this shape (the Go original paces streams 50 ms a chunk by design). */
        default boolean takes(Shape shape) {
            return true;
        }

        @Override
        void close() throws Exception;
    }

    private final Path work;
    private final int seconds;
    private final int rounds;
    private final int warmupSeconds;
    private final String java;

    private HotPath(Path work, int seconds, int rounds, int warmupSeconds, String java) {
        this.work = work;
        this.seconds = seconds;
        this.rounds = rounds;
        this.warmupSeconds = warmupSeconds;
        this.java = java;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        String java = arg(args, "--java", "java");
        Path work = Path.of(arg(args, "--work", "target/bench/hotpath"));
        Files.createDirectories(work);
        int seconds = Integer.parseInt(arg(args, "--seconds", quick ? "2" : "6"));
        int rounds = Integer.parseInt(arg(args, "--rounds", quick ? "1" : "3"));
        int warmup = Integer.parseInt(arg(args, "--warmup", quick ? "3" : "20"));
        String only = arg(args, "--shapes", "short,stream,agent");
        new HotPath(work, seconds, rounds, warmup, java).run(only);
    }

    private void run(String only) throws Exception {
        List<Shape> shapes = new ArrayList<>();
        if (only.contains("short")) shapes.add(new Shape("short chat", shortChat()));
        if (only.contains("stream")) shapes.add(new Shape("streamed chat", streamedChat()));
        if (only.contains("agent")) shapes.add(new Shape("agent-sized", agentChat()));
        try (PacedUpstream upstream = new PacedUpstream()) {
            String direct = "http://127.0.0.1:" + upstream.port() + "/api/chat";
            List<Target> targets = new ArrayList<>();
            try {
                targets.add(gateway(upstream.port(), Path.of("."), "e2b-gateway"));
                String baseline = System.getenv("E2B_BASELINE_DIR");
                if (baseline != null && !baseline.isBlank()) targets.add(gateway(upstream.port(), Path.of(baseline), "e2b-gateway (baseline)"));
                targets.add(nginx(upstream.port()));
                String go = System.getenv("E2B_GO_ORIGINAL");
                if (go != null && !go.isBlank()) targets.add(goOriginal(go, upstream.port()));
                System.out.printf("gateway: %s with run.sh's flags; %d cores; wrk %d s a run, %d interleaved rounds%n",
                        Benchmark.javaVersion(java), Runtime.getRuntime().availableProcessors(), seconds, rounds);
                warmUp(targets, shapes);
                List<String> out = new ArrayList<>();
                for (Shape shape : shapes) {
                    for (int connections : new int[]{1, 32}) out.addAll(measure(shape, connections, direct, targets));
                }
                System.out.println();
                System.out.println("| shape | conns | target | added p50 µs | added p99 µs | added p99.9 µs | CPU µs/req | alloc KB/req | req/s |");
                System.out.println("|---|---|---|---|---|---|---|---|---|");
                out.forEach(System.out::println);
                System.out.println("\nbest of the rounds (min–max over them). Added latency: the best of the target's rounds minus the best of"
                        + " the direct ones, percentile by percentile, then [the target's own percentile over the rounds]; µs.");
            } finally {
                for (Target t : targets) t.close();
            }
        }
    }

    private void warmUp(List<Target> targets, List<Shape> shapes) throws Exception {
        System.out.printf("warming up every target for %d s a shape ...%n", warmupSeconds);
        for (Target t : targets) {
            for (Shape shape : shapes) if (t.takes(shape)) wrk(shape, t.url(), 32, warmupSeconds);
        }
    }

    /** Interleaved rounds for one shape at one concurrency: direct, then each target, again and again. */
    private List<String> measure(Shape shape, int connections, String direct, List<Target> targets) throws Exception {
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        List<Sample> directSamples = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            directSamples.add(sample(wrk(shape, direct, connections, seconds), 0, 0, -1, -1));
            for (Target t : targets) {
                if (!t.takes(shape)) continue;
                long cpu = t.cpuTicks();
                long alloc = t.allocatedBytes();
                Wrk w = wrk(shape, t.url(), connections, seconds);
                if (w.errors() > 0) System.out.printf("  %s, %s: %d errors (non-2xx or socket)%n", t.name(), shape.name(), w.errors());
                samples.computeIfAbsent(t.name(), k -> new ArrayList<>()).add(sample(w, cpu, t.cpuTicks(), alloc, t.allocatedBytes()));
            }
            System.out.printf("  %s, %d connection(s): round %d done%n", shape.name(), connections, round + 1);
        }
        Sample best = best(directSamples);
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "| %s | %d | the fake, direct: p50 / p99 / p99.9 µs | %.0f | %.0f | %.0f | | | %.0f |",
                shape.name(), connections, best.p50(), best.p99(), best.p999(), best.rps()));
        for (Target t : targets) {
            List<Sample> s = samples.get(t.name());
            if (s == null) {
                lines.add(String.format("| %s | %d | %s | n/a: paces its stream at 50 ms a chunk | | | | | |", shape.name(), connections, t.name()));
                continue;
            }
            Sample b = best(s);
            lines.add(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s | %s |", shape.name(), connections, t.name(),
                    added(b.p50() - best.p50(), s, Sample::p50), added(b.p99() - best.p99(), s, Sample::p99),
                    added(b.p999() - best.p999(), s, Sample::p999),
                    spread(s, Sample::cpuMicros, true), spread(s, x -> x.allocBytes() / 1024, true), spread(s, Sample::rps, false)));
        }
        return lines;
    }

    private Sample sample(Wrk w, long cpuBefore, long cpuAfter, long allocBefore, long allocAfter) {
        double cpuMicros = (cpuAfter - cpuBefore) * (1e6 / Benchmark.clockTicks()) / Math.max(1, w.requests());
        double allocBytes = allocBefore < 0 ? Double.NaN : (double) (allocAfter - allocBefore) / Math.max(1, w.requests());
        return new Sample(w.p50(), w.p99(), w.p999(), w.requests(), w.rps(), cpuMicros, allocBytes);
    }

    /** The best of each figure over the rounds, taken one by one (a busy machine only ever adds). */
    private static Sample best(List<Sample> s) {
        return new Sample(min(s, Sample::p50), min(s, Sample::p99), min(s, Sample::p999), 0,
                s.stream().mapToDouble(Sample::rps).max().orElse(Double.NaN), min(s, Sample::cpuMicros), min(s, Sample::allocBytes));
    }

    private static double min(List<Sample> s, java.util.function.ToDoubleFunction<Sample> f) {
        return s.stream().mapToDouble(f).min().orElse(Double.NaN);
    }

    /** The added latency (best of the target's rounds minus best of the direct ones), then the target's own range over rounds. */
    private static String added(double added, List<Sample> s, java.util.function.ToDoubleFunction<Sample> f) {
        return String.format(Locale.ROOT, "%.0f", added) + (s.size() == 1 ? "" : " [" + spread(s, f, true) + "]");
    }

    /** "best (min–max)": best is the lowest, or the highest where more is better. */
    private static String spread(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> f, boolean lowerIsBetter) {
        double min = samples.stream().mapToDouble(f).min().orElse(Double.NaN);
        double max = samples.stream().mapToDouble(f).max().orElse(Double.NaN);
        if (Double.isNaN(min)) return "–";
        String fmt = Math.abs(min) >= 100 ? "%.0f" : "%.1f";
        String best = String.format(Locale.ROOT, fmt, lowerIsBetter ? min : max);
        return samples.size() == 1 ? best
                : best + String.format(Locale.ROOT, " (" + fmt + "–" + fmt + ")", min, max);
    }

    // ---- the shapes ---------------------------------------------------------------------------

    private static String shortChat() {
        return "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi! What is a good name for a cat?\"}]}";
    }

    /** Streamed: the fake sends its fragment in ten pieces at once (no pause), the client reads SSE events. */
    private static String streamedChat() {
        return "{\"model\":\"" + MODEL + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"bench:7:10:0\"}]}";
    }

    /** As coding agents send: a ~40 KB system prompt, 25 tools, a 10-turn history with tool calls and results. */
    static String agentChat() {
        StringBuilder system = new StringBuilder("You are a coding agent working in the user's repository. ");
        for (int i = 0; system.length() < 40_000; i++) {
            system.append("Rule ").append(i).append(": read the file before you edit it, keep changes small, run the tests named ")
                    .append("in the task and report what you changed, why, and what is left; never print secrets or tokens. ");
        }
        StringBuilder tools = new StringBuilder("[");
        for (int i = 0; i < 25; i++) {
            if (i > 0) tools.append(',');
            tools.append("{\"type\":\"function\",\"function\":{\"name\":\"tool_").append(i)
                    .append("\",\"description\":\"Tool number ").append(i).append(": does one thing to the workspace and returns its output.\",")
                    .append("\"parameters\":{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\",\"description\":\"a file path\"},")
                    .append("\"content\":{\"type\":\"string\"},\"line\":{\"type\":\"integer\"},\"recursive\":{\"type\":\"boolean\"}},")
                    .append("\"required\":[\"path\"]}}}");
        }
        tools.append(']');
        StringBuilder messages = new StringBuilder("[{\"role\":\"system\",\"content\":").append(quote(system.toString())).append('}');
        for (int turn = 0; turn < 10; turn++) {
            messages.append(",{\"role\":\"user\",\"content\":\"Step ").append(turn).append(": look at src/main/File").append(turn)
                    .append(".java and fix the failing test there.\"}");
            if (turn % 3 == 1) {
                String id = "call_" + turn;
                messages.append(",{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"").append(id)
                        .append("\",\"type\":\"function\",\"function\":{\"name\":\"tool_").append(turn)
                        .append("\",\"arguments\":\"{\\\"path\\\":\\\"src/main/File").append(turn).append(".java\\\"}\"}}]}")
                        .append(",{\"role\":\"tool\",\"tool_call_id\":\"").append(id).append("\",\"content\":")
                        .append(quote("class File" + turn + " {\n  int answer() { return " + turn + "; }\n}\n".repeat(8))).append('}');
            }
            messages.append(",{\"role\":\"assistant\",\"content\":\"Done with step ").append(turn)
                    .append(": the test passes now; I changed one line.\"}");
        }
        messages.append(']');
        return "{\"model\":\"" + MODEL + "\",\"tools\":" + tools + ",\"messages\":" + messages + "}";
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    // ---- the targets --------------------------------------------------------------------------

    /**
     * The gateway as users start it: {@code dir}'s run.sh (its JVM flags) and jar, JMX attached for the
     * allocation counter. E2B_BASELINE_DIR names a second, built checkout (another commit) for an A/B.
     */
    private Target gateway(int upstreamPort, Path dir, String name) throws Exception {
        int port = Benchmark.freePort();
        ProcessBuilder pb = new ProcessBuilder("./run.sh");
        pb.environment().put("JAVA_HOME", Path.of(java).toAbsolutePath().getParent().getParent().toString());
        pb.environment().remove("JAVA_OPTS");
        pb.environment().put("E2B_API_KEY", KEY);
        pb.environment().put("E2B_HOST", "127.0.0.1");
        pb.environment().put("E2B_PORT", String.valueOf(port));
        pb.environment().put("E2B_BASE_URL", "http://127.0.0.1:" + upstreamPort);
        pb.redirectErrorStream(true).redirectOutput(work.resolve(name.replaceAll("\\W+", "-") + ".log").toFile());
        pb.directory(dir.toAbsolutePath().toFile());
        Process p = pb.start();
        String url = "http://127.0.0.1:" + port + "/v1/chat/completions";
        awaitAnswer(url, p);
        return new JvmTarget(name, url, p);
    }

    /** nginx in front of the same fake: proxy_pass with kept-alive upstream connections, no buffering, no access log. */
    private Target nginx(int upstreamPort) throws Exception {
        Path dir = work.resolve("nginx").toAbsolutePath();
        Files.createDirectories(dir);
        int port = Benchmark.freePort();
        Files.writeString(dir.resolve("nginx.conf"), """
                daemon off;
                worker_processes 2;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 1024; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/body; proxy_temp_path %1$s/proxy; fastcgi_temp_path %1$s/fastcgi;
                  uwsgi_temp_path %1$s/uwsgi; scgi_temp_path %1$s/scgi;
                  upstream fake { server 127.0.0.1:%2$d; keepalive 64; }
                  server {
                    listen 127.0.0.1:%3$d;
                    client_body_buffer_size 1m;
                    location / {
                      proxy_pass http://fake/api/chat;
                      proxy_http_version 1.1;
                      proxy_set_header Connection "";
                      proxy_buffering off;
                    }
                  }
                }
                """.formatted(dir, upstreamPort, port));
        Process p = new ProcessBuilder("/usr/sbin/nginx", "-e", dir.resolve("error.log").toString(), "-p", dir.toString(),
                "-c", dir.resolve("nginx.conf").toString()).redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        String url = "http://127.0.0.1:" + port + "/v1/chat/completions";
        awaitAnswer(url, p);
        return new ProcessTarget("nginx proxy_pass", url, p);
    }

    /** The Go original (Shadownc/e2b2api), built elsewhere with its upstream pointed at E2B_BASE_URL; its log discarded. */
    private Target goOriginal(String binary, int upstreamPort) throws Exception {
        int port = Benchmark.freePort();
        ProcessBuilder pb = new ProcessBuilder(binary);
        pb.environment().put("E2B_API_KEY", KEY);
        pb.environment().put("E2B_PORT", String.valueOf(port));
        pb.environment().put("E2B_BASE_URL", "http://127.0.0.1:" + upstreamPort);
        pb.directory(work.toFile());
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String url = "http://127.0.0.1:" + port + "/v1/chat/completions";
        awaitAnswer(url, p);
        return new ProcessTarget("Go original", url, p) {
            @Override
            public boolean takes(Shape shape) {
                return !shape.body().contains("\"stream\":true");
            }
        };
    }

    private static class ProcessTarget implements Target {
        private final String name;
        private final String url;
        final Process process;

        ProcessTarget(String name, String url, Process process) {
            this.name = name;
            this.url = url;
            this.process = process;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String url() {
            return url;
        }

        @Override
        public long cpuTicks() throws IOException {
            long ticks = ticks(process.pid());
            for (ProcessHandle child : process.descendants().toList()) ticks += ticks(child.pid());
            return ticks;
        }

        @Override
        public long allocatedBytes() {
            return -1;
        }

        @Override
        public void close() throws Exception {
            Benchmark.stop(process);
        }

        private static long ticks(long pid) throws IOException {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (java.nio.file.NoSuchFileException e) {
                return 0; // gone
            }
        }
    }

    /** A JVM target: its allocation counter read over a local JMX connection made with the attach API. */
    private static final class JvmTarget extends ProcessTarget {
        private final JMXConnector jmx;
        private final com.sun.management.ThreadMXBean threads;

        JvmTarget(String name, String url, Process process) throws Exception {
            super(name, url, process);
            VirtualMachine vm = VirtualMachine.attach(String.valueOf(process.pid()));
            String address;
            try {
                address = vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
            jmx = JMXConnectorFactory.connect(new JMXServiceURL(address));
            MBeanServerConnection connection = jmx.getMBeanServerConnection();
            threads = ManagementFactory.newPlatformMXBeanProxy(connection, ManagementFactory.THREAD_MXBEAN_NAME,
                    com.sun.management.ThreadMXBean.class);
        }

        @Override
        public long allocatedBytes() {
            try {
                return threads.getTotalThreadAllocatedBytes(); // every thread, the ended ones too (Java 21+)
            } catch (RuntimeException | LinkageError e) {
                return -1;
            }
        }

        @Override
        public void close() throws Exception {
            jmx.close();
            super.close();
        }
    }

    /** Polls until the short chat through {@code url} answers 200. */
    private static void awaitAnswer(String url, Process p) throws Exception {
        HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest chat = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(shortChat())).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && p.isAlive()) {
            try {
                HttpResponse<String> r = c.send(chat, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) return;
                throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
            } catch (java.net.ConnectException e) {
                Thread.sleep(20); // not listening yet
            }
        }
        throw new IllegalStateException("no answer from " + url + " in time (see target/bench/hotpath)");
    }

    // ---- wrk ------------------------------------------------------------------------------------

    record Wrk(double p50, double p99, double p999, long requests, double rps, long errors) {}

    private Wrk wrk(Shape shape, String url, int connections, int secs) throws Exception {
        Path lua = work.resolve(shape.name().replace(' ', '-') + ".lua");
        if (!Files.exists(lua)) {
            Files.writeString(lua, """
                    wrk.method = "POST"
                    wrk.body = [==[%s]==]
                    wrk.headers["Content-Type"] = "application/json"
                    wrk.headers["Authorization"] = "Bearer %s"
                    done = function(summary, latency, requests)
                      io.write(string.format("HOT %%d %%d %%d %%d %%d %%d\\n", latency:percentile(50), latency:percentile(99),
                        latency:percentile(99.9), summary.requests,
                        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status,
                        summary.duration))
                    end
                    """.formatted(shape.body(), KEY));
        }
        Process p = new ProcessBuilder("wrk", "-t" + Math.min(2, connections), "-c" + connections, "-d" + secs + "s",
                "-s", lua.toString(), url).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Matcher m = Pattern.compile("HOT (\\d+) (\\d+) (\\d+) (\\d+) (\\d+) (\\d+)").matcher(out);
        if (!m.find()) throw new IllegalStateException("wrk said: " + out);
        long requests = Long.parseLong(m.group(4));
        return new Wrk(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
                requests, requests / (Long.parseLong(m.group(6)) / 1e6), Long.parseLong(m.group(5)));
    }

    private static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) if (args[i].equals(name)) return args[i + 1];
        return fallback;
    }
}
