package dev.e2bgateway.bench;

import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures the gateway against the targets of the "Stream for real" issue and prints a table.
 * Runs the fake upstream and the streaming clients in this JVM (one clock for both ends of a
 * stream), the gateway in its own JVM (heap capped, CPU read from /proc), and wrk for the
 * non-streaming throughput. Started by bench/run.sh; not a test.
 */
public final class Benchmark {

    private static final String KEY = "sk-bench-0123456789";
    private static final MediaType JSON = MediaType.get("application/json");

    private final Settings settings;
    private final List<String[]> rows = new ArrayList<>();

    record Settings(String java, String jar, int sequential, int concurrent, int pieces, long pauseMillis,
                    int concurrentPieces, long concurrentPauseMillis, int warmupSeconds, int measureSeconds, int rounds,
                    int connections, Path workDir, String phases, String java17) {}

    private static final String JAVA17 = "/usr/lib/jvm/java-17-openjdk-amd64/bin/java";

    private Benchmark(Settings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        String java = arg(args, "--java", "java");
        String jar = arg(args, "--jar", "target/e2b-gateway.jar");
        Path work = Path.of(arg(args, "--work", "target/bench"));
        Files.createDirectories(work);
        String phases = arg(args, "--phases", "lean,seq,tools,conc,tput");
        String java17 = arg(args, "--java17", Files.isExecutable(Path.of(JAVA17)) ? JAVA17 : "");
        int concPieces = Integer.parseInt(arg(args, "--conc-pieces", "50"));
        long concPause = Long.parseLong(arg(args, "--conc-pause", "100"));
        Settings s = quick
                ? new Settings(java, jar, 20, 200, 20, 20, 20, 100, 5, 5, 1, 32, work, phases, java17)
                : new Settings(java, jar, 100, 1000, 40, 25, concPieces, concPause, 30, 15, 3, 32, work, phases, java17);
        new Benchmark(s).run();
    }

    private void run() throws Exception {
        try (PacedUpstream upstream = new PacedUpstream()) {
            if (settings.phases().contains("lean")) {
                if (!settings.java17().isEmpty() && !settings.java17().equals(settings.java())) lean(settings.java17(), upstream.port());
                lean(settings.java(), upstream.port());
            }
            if (settings.phases().replace("lean", "").isBlank()) {
                printTable();
                return;
            }
            int port = freePort();
            Process gateway = startGateway(upstream.port(), port);
            try {
                String base = "http://127.0.0.1:" + port;
                awaitHealthy(base);
                String jvm = javaVersion();
                System.out.printf("%ngateway: %s (pid %d, run.sh's flags), fake upstream and clients in this JVM (%s), %d cores%n",
                        jvm, gateway.pid(), System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
                OkHttpClient client = new OkHttpClient.Builder()
                        .connectionPool(new ConnectionPool(settings.concurrent() + 64, 1, TimeUnit.MINUTES))
                        .readTimeout(Duration.ofSeconds(120)).retryOnConnectionFailure(false).build();
                if (settings.phases().contains("seq")) sequentialStreams(client, base, upstream);
                if (settings.phases().contains("tools")) toolCallStreams(client, base, upstream);
                if (settings.phases().contains("conc")) concurrentStreams(client, base, upstream, gateway);
                if (settings.phases().contains("tput")) throughput(base, upstream.port(), gateway);
                printTable();
            } finally {
                gateway.destroy();
                gateway.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    // ---- streaming latency -------------------------------------------------------------------

    private void sequentialStreams(OkHttpClient client, String base, PacedUpstream upstream) throws Exception {
        AtomicInteger ids = new AtomicInteger(1);
        for (int i = 0; i < 30; i++) stream(client, base, ids.getAndIncrement(), 10, 1); // warm-up
        List<Double> added = new ArrayList<>();
        List<Double> ratio = new ArrayList<>();
        int exact = 0;
        for (int i = 0; i < settings.sequential(); i++) {
            int id = ids.getAndIncrement();
            StreamResult r = stream(client, base, id, settings.pieces(), settings.pauseMillis());
            PacedUpstream.Timing t = upstream.awaitTiming(id);
            if (r.exact()) exact++;
            added.add((r.firstContentNanos() - t.codeStartNanos()) / 1e6);
            ratio.add((double) (r.doneNanos() - r.sentNanos()) / (t.endNanos() - t.receivedNanos()));
        }
        rows.add(new String[]{"time to first content chunk after the upstream's code starts (median / p90 / max)",
                String.format(Locale.ROOT, "%.2f / %.2f / %.2f ms", pct(added, 50), pct(added, 90), pct(added, 100)), "median <= 5 ms"});
        rows.add(new String[]{"stream time through the gateway / upstream's own (median / max)",
                String.format(Locale.ROOT, "%.3f / %.3f", pct(ratio, 50), pct(ratio, 100)), "<= 1.05"});
        rows.add(new String[]{"sequential streams with exactly the upstream's text",
                exact + " / " + settings.sequential() + String.format(Locale.ROOT, " (%d pieces, %d ms apart)", settings.pieces(), settings.pauseMillis()), "all"});
    }

    /** The tool-call scenario: the same paced replies, with three tools offered and a call after the text. */
    private void toolCallStreams(OkHttpClient client, String base, PacedUpstream upstream) throws Exception {
        for (int i = 0; i < 30; i++) toolStream(client, base, 3_000_000 + i, 10, 1, true); // warm-up
        List<Double> firstContent = new ArrayList<>();
        List<Double> callAdded = new ArrayList<>();
        List<Double> ratio = new ArrayList<>();
        List<Double> plainFirst = new ArrayList<>();
        List<Double> plainRatio = new ArrayList<>();
        int exact = 0;
        for (int i = 0; i < settings.sequential(); i++) {
            int id = 3_100_000 + 2 * i;
            ToolResult r = toolStream(client, base, id, settings.pieces(), settings.pauseMillis(), true);
            PacedUpstream.Timing t = upstream.awaitTiming(id);
            if (r.exact()) exact++;
            firstContent.add((r.firstContentNanos() - t.codeStartNanos()) / 1e6);
            callAdded.add((r.callNanos() - t.callEndNanos()) / 1e6);
            ratio.add((double) (r.doneNanos() - r.sentNanos()) / (t.endNanos() - t.receivedNanos()));
            // A plain reply with the same tools offered: the parser's cost on text that holds no call.
            ToolResult p = toolStream(client, base, id + 1, settings.pieces(), settings.pauseMillis(), false);
            PacedUpstream.Timing pt = upstream.awaitTiming(id + 1);
            plainFirst.add((p.firstContentNanos() - pt.codeStartNanos()) / 1e6);
            plainRatio.add((double) (p.doneNanos() - p.sentNanos()) / (pt.endNanos() - pt.receivedNanos()));
        }
        rows.add(new String[]{"tools offered, plain reply: first content after code starts (median / p90) | stream time ratio (median)",
                String.format(Locale.ROOT, "%.2f / %.2f ms | %.3f", pct(plainFirst, 50), pct(plainFirst, 90), pct(plainRatio, 50)),
                "as without tools (+1 ms / +1 %)"});
        rows.add(new String[]{"tools offered, text + call: first content (median / p90) | call after its </invoke> (median / p90)",
                String.format(Locale.ROOT, "%.2f / %.2f ms | %.2f / %.2f ms", pct(firstContent, 50), pct(firstContent, 90),
                        pct(callAdded, 50), pct(callAdded, 90)), "-"});
        rows.add(new String[]{"tools offered, text + call: stream time ratio (median / max) | exact text and call",
                String.format(Locale.ROOT, "%.3f / %.3f | %d / %d", pct(ratio, 50), pct(ratio, 100), exact, settings.sequential()), "all exact"});
    }

    record ToolResult(long sentNanos, long firstContentNanos, long callNanos, long doneNanos, boolean exact) {}

    private static final String BENCH_TOOLS = "[{\"type\":\"function\",\"function\":{\"name\":\"save_note\",\"parameters\":{\"type\":\"object\","
            + "\"properties\":{\"text\":{\"type\":\"string\"},\"n\":{\"type\":\"integer\"}},\"required\":[\"text\"]}}},"
            + "{\"type\":\"function\",\"function\":{\"name\":\"read_file\",\"parameters\":{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}}}}},"
            + "{\"type\":\"function\",\"function\":{\"name\":\"run\",\"parameters\":{\"type\":\"object\",\"properties\":{\"command\":{\"type\":\"string\"}}}}}]";

    private static ToolResult toolStream(OkHttpClient client, String base, int id, int pieces, long pause, boolean call) throws IOException {
        String body = "{\"model\":\"gpt-4o\",\"stream\":true,\"tools\":" + BENCH_TOOLS + ",\"messages\":[{\"role\":\"user\",\"content\":\""
                + (call ? "benchtools:" : "bench:") + id + ":" + pieces + ":" + pause + "\"}]}";
        Request request = new Request.Builder().url(base + "/v1/chat/completions").header("Authorization", "Bearer " + KEY)
                .post(RequestBody.create(body, JSON)).build();
        Read r = read(client, request);
        String expected = PacedUpstream.reply(id);
        boolean exact = r.doneSeen() && (call
                ? r.text().equals(expected + "\n") && r.arguments().contains("\"n\":" + id)
                    && r.arguments().contains(expected.substring(0, 20).replace("\"", "\\\""))
                : r.text().equals(expected));
        return new ToolResult(r.sentNanos(), r.firstContentNanos(), r.callNanos(), r.doneNanos(), exact);
    }

    private void concurrentStreams(OkHttpClient client, String base, PacedUpstream upstream, Process gateway) throws Exception {
        int n = settings.concurrent();
        System.out.printf("warming up with 3 x %d concurrent short streams ...%n", n);
        for (int round = 0; round < 3; round++) launch(client, base, n, 2_000_000 + round * n, 5, 20);
        ConcurrentLinkedQueue<StreamResult> results = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        Launch launch = launch(client, base, n, 1_000_000, settings.concurrentPieces(), settings.concurrentPauseMillis(), results);
        long wall = System.nanoTime() - start;
        int firstId = 1_000_000;
        boolean finished = launch.finished();
        AtomicInteger failures = launch.failures();
        List<Double> firstContent = new ArrayList<>();
        List<Double> received = new ArrayList<>();
        List<Double> added = new ArrayList<>();
        int exact = 0;
        for (StreamResult r : results) {
            if (r.exact()) exact++;
            firstContent.add((r.firstContentNanos() - launch.startNanos()) / 1e6);
            PacedUpstream.Timing t = upstream.timing(r.id());
            if (t == null) continue;
            received.add((t.receivedNanos() - launch.startNanos()) / 1e6);
            added.add((r.firstContentNanos() - t.codeStartNanos()) / 1e6);
        }
        long streamMillis = settings.concurrentPieces() * settings.concurrentPauseMillis();
        rows.add(new String[]{n + " concurrent streams: complete with exactly the right text",
                exact + " / " + n + (failures.get() > 0 ? " (" + failures.get() + " failed)" : "") + (finished ? "" : " (timed out)"), "all"});
        rows.add(new String[]{n + " concurrent streams: first content after launch (median / p99 / max)",
                String.format(Locale.ROOT, "%.0f / %.0f / %.0f ms", pct(firstContent, 50), pct(firstContent, 99), pct(firstContent, 100)),
                "all start at once (each stream lasts ~" + streamMillis + " ms)"});
        rows.add(new String[]{n + " concurrent streams: upstream got the request, after launch (median / p99 / max)",
                String.format(Locale.ROOT, "%.0f / %.0f / %.0f ms", pct(received, 50), pct(received, 99), pct(received, 100)), "all at once"});
        rows.add(new String[]{n + " concurrent streams: first content after the upstream's code starts (median / p99)",
                String.format(Locale.ROOT, "%.1f / %.1f ms", pct(added, 50), pct(added, 99)), "small"});
        rows.add(new String[]{n + " concurrent streams: wall time / gateway peak RSS",
                String.format(Locale.ROOT, "%.1f s / %d MB", wall / 1e9, peakRssKb(gateway) / 1024), "heap capped at 256 MB"});
    }

    record Launch(long startNanos, boolean finished, AtomicInteger failures) {}

    private Launch launch(OkHttpClient client, String base, int n, int firstId, int pieces, long pause) throws Exception {
        return launch(client, base, n, firstId, pieces, pause, new ConcurrentLinkedQueue<>());
    }

    /** Starts n streams at once, on virtual threads where the JVM has them; waits for all. */
    private Launch launch(OkHttpClient client, String base, int n, int firstId, int pieces, long pause,
                          ConcurrentLinkedQueue<StreamResult> results) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(n);
        AtomicInteger failures = new AtomicInteger();
        java.util.concurrent.ThreadFactory factory = threadFactory();
        for (int i = 0; i < n; i++) {
            int id = firstId + i;
            factory.newThread(() -> {
                try {
                    go.await();
                    results.add(stream(client, base, id, pieces, pause));
                } catch (Exception e) {
                    failures.incrementAndGet();
                } finally {
                    done.countDown();
                }
            }).start();
        }
        long start = System.nanoTime();
        go.countDown();
        boolean finished = done.await(5, TimeUnit.MINUTES);
        return new Launch(start, finished, failures);
    }

    private static java.util.concurrent.ThreadFactory threadFactory() {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            return (java.util.concurrent.ThreadFactory) builder.getClass().getMethod("factory").invoke(builder);
        } catch (ReflectiveOperationException e) {
            return r -> {
                Thread t = new Thread(r);
                t.setDaemon(true);
                return t;
            };
        }
    }

    record StreamResult(int id, long sentNanos, long firstContentNanos, long doneNanos, boolean exact) {}

    /** One streamed chat read to its end: when the first text and the first call arguments came, what they were. */
    record Read(long sentNanos, long firstContentNanos, long callNanos, long doneNanos, String text, String arguments,
                boolean doneSeen) {}

    private static final Pattern CONTENT = Pattern.compile("\"content\":(\"(?:[^\"\\\\]|\\\\.)*\")");
    private static final Pattern ARGUMENTS = Pattern.compile("\"arguments\":(\"(?:[^\"\\\\]|\\\\.)*\")");

    private static Read read(OkHttpClient client, Request request) throws IOException {
        long sent = System.nanoTime();
        long first = -1;
        long callAt = -1;
        StringBuilder text = new StringBuilder();
        StringBuilder arguments = new StringBuilder();
        boolean doneSeen = false;
        try (Response r = client.newCall(request).execute()) {
            BufferedSource source = r.body().source();
            for (String line = source.readUtf8Line(); line != null; line = source.readUtf8Line()) {
                if (!line.startsWith("data: ")) continue;
                if (line.equals("data: [DONE]")) {
                    doneSeen = true;
                    continue;
                }
                Matcher m = CONTENT.matcher(line);
                if (m.find() && m.group(1).length() > 2) {
                    if (first < 0) first = System.nanoTime();
                    text.append(unquote(m.group(1)));
                }
                Matcher a = ARGUMENTS.matcher(line);
                if (a.find() && a.group(1).length() > 2) {
                    if (callAt < 0) callAt = System.nanoTime();
                    arguments.append(unquote(a.group(1)));
                }
            }
        }
        return new Read(sent, first, callAt, System.nanoTime(), text.toString(), arguments.toString(), doneSeen);
    }

    private static StreamResult stream(OkHttpClient client, String base, int id, int pieces, long pause) throws IOException {
        String body = "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"bench:"
                + id + ":" + pieces + ":" + pause + "\"}]}";
        Request request = new Request.Builder().url(base + "/v1/chat/completions").header("Authorization", "Bearer " + KEY)
                .post(RequestBody.create(body, JSON)).build();
        Read r = read(client, request);
        return new StreamResult(id, r.sentNanos(), r.firstContentNanos(), r.doneNanos(),
                r.doneSeen() && r.text().equals(PacedUpstream.reply(id)));
    }

    // ---- non-streaming throughput ------------------------------------------------------------

    /** wrk's script: a non-streaming chat, the same one {@link #awaitAnswer} sends. */
    private Path postLua() throws IOException {
        Path lua = settings.workDir().resolve("post.lua");
        Files.writeString(lua, """
                wrk.method = "POST"
                wrk.body = '{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}'
                wrk.headers["Content-Type"] = "application/json"
                wrk.headers["Authorization"] = "Bearer %s"
                """.formatted(KEY));
        return lua;
    }

    private void throughput(String base, int upstreamPort, Process gateway) throws Exception {
        Path lua = postLua();
        String gatewayUrl = base + "/v1/chat/completions";
        String directUrl = "http://127.0.0.1:" + upstreamPort + "/api/chat";
        System.out.printf("warming up the gateway for %d s ...%n", settings.warmupSeconds());
        wrk(lua, gatewayUrl, settings.warmupSeconds());
        List<String> perRound = new ArrayList<>();
        double bestRatio = 0;
        for (int round = 1; round <= settings.rounds(); round++) {
            Wrk direct = wrk(lua, directUrl, settings.measureSeconds());
            long cpuBefore = cpuTicks(gateway);
            Wrk proxied = wrk(lua, gatewayUrl, settings.measureSeconds());
            long cpuTicks = cpuTicks(gateway) - cpuBefore;
            double cpuMicrosPerRequest = cpuTicks * (1e6 / clockTicks()) / Math.max(1, proxied.requests());
            double ratio = proxied.rps() / direct.rps();
            bestRatio = Math.max(bestRatio, ratio);
            perRound.add(String.format(Locale.ROOT, "round %d: direct %.0f req/s (p50 %.2f, p99 %.2f ms), gateway %.0f req/s "
                            + "(p50 %.2f, p99 %.2f ms), ratio %.2f, added p99 %.2f ms, gateway CPU %.0f us/req%s",
                    round, direct.rps(), direct.p50(), direct.p99(), proxied.rps(), proxied.p50(), proxied.p99(), ratio,
                    proxied.p99() - direct.p99(), cpuMicrosPerRequest, proxied.errors() > 0 ? ", errors " + proxied.errors() : ""));
        }
        perRound.forEach(line -> rows.add(new String[]{"non-streaming, " + settings.connections() + " connections, " + line.substring(0, 7),
                line.substring(9), "ratio >= 0.5, added p99 < 5 ms"}));
    }

    record Wrk(double rps, double p50, double p99, long requests, long errors) {}

    private Wrk wrk(Path lua, String url, int seconds) throws Exception {
        Process p = new ProcessBuilder("wrk", "-t2", "-c" + settings.connections(), "-d" + seconds + "s", "--latency",
                "-s", lua.toString(), url).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        double rps = number(out, "Requests/sec:\\s+([\\d.]+)");
        long requests = (long) number(out, "(\\d+) requests in");
        long errors = out.contains("Non-2xx") ? (long) number(out, "Non-2xx or 3xx responses:\\s+(\\d+)") : 0;
        return new Wrk(rps, latency(out, "50%"), latency(out, "99%"), requests, errors);
    }

    // ---- footprint: startup, memory, CPU per request against a bare pass-through -------------

    /**
     * The "lean" targets on one JVM: startup to the first answered chat with run.sh (the first run,
     * which may build run.sh's class-data archive, and the best of three later ones), resident
     * memory idle after startup, then non-streaming load through the gateway and through the bare
     * Javalin + OkHttp {@link PassThrough} started with run.sh's flags, in interleaved rounds:
     * CPU per request of each, and the gateway's resident memory under that load.
     */
    private void lean(String java, int upstreamPort) throws Exception {
        String jvm = javaVersion(java);
        System.out.printf("lean: %s%n", jvm);
        List<Double> later = new ArrayList<>();
        double first = 0;
        long idleRssKb = 0;
        for (int run = 0; run < 4; run++) {
            Started g = startWithRunSh(java, upstreamPort, "startup-" + run);
            try {
                if (run == 0) first = g.millis();
                else later.add(g.millis());
                if (run == 3) {
                    Thread.sleep(10_000); // idle: what a gateway in the tray holds between requests
                    idleRssKb = rssKb(g.process());
                }
            } finally {
                stop(g.process());
            }
        }
        String tag = jvm.replaceAll("^(\\S+) version \"([^\"]+)\".*", "$1 $2");
        rows.add(new String[]{tag + ": startup to the first answered chat with run.sh (first run | best / worst of 3 later)",
                String.format(Locale.ROOT, "%.0f ms | %.0f / %.0f ms", first, pct(later, 0), pct(later, 100)), "<= 800 ms"});
        rows.add(new String[]{tag + ": resident memory idle, 10 s after the first answered chat",
                (idleRssKb / 1024) + " MB", "<= 100 MB"});

        Path lua = postLua();
        String gatewayUrlPath = "/v1/chat/completions";
        Started gateway = startWithRunSh(java, upstreamPort, "lean-gateway");
        int passPort = freePort();
        Process pass = startPassThrough(java, passPort, upstreamPort);
        try {
            awaitAnswer("http://127.0.0.1:" + passPort, System.nanoTime() + 30_000_000_000L);
            String gatewayUrl = "http://127.0.0.1:" + gateway.port() + gatewayUrlPath;
            String passUrl = "http://127.0.0.1:" + passPort + gatewayUrlPath;
            System.out.printf("lean: warming up both for %d s each ...%n", settings.warmupSeconds());
            wrk(lua, gatewayUrl, settings.warmupSeconds());
            wrk(lua, passUrl, settings.warmupSeconds());
            List<Double> ratios = new ArrayList<>();
            List<String> rounds = new ArrayList<>();
            long peakRssKb = 0;
            for (int round = 1; round <= settings.rounds(); round++) {
                long passBefore = cpuTicks(pass);
                Wrk p = wrk(lua, passUrl, settings.measureSeconds());
                double passMicros = (cpuTicks(pass) - passBefore) * (1e6 / clockTicks()) / Math.max(1, p.requests());
                long gatewayBefore = cpuTicks(gateway.process());
                RssSampler rss = new RssSampler(gateway.process());
                Wrk g = wrk(lua, gatewayUrl, settings.measureSeconds());
                peakRssKb = Math.max(peakRssKb, rss.stop());
                double gatewayMicros = (cpuTicks(gateway.process()) - gatewayBefore) * (1e6 / clockTicks()) / Math.max(1, g.requests());
                ratios.add(gatewayMicros / passMicros);
                rounds.add(String.format(Locale.ROOT, "%.0f / %.0f us (%.2f), %.0f / %.0f req/s%s", gatewayMicros, passMicros,
                        gatewayMicros / passMicros, g.rps(), p.rps(), g.errors() + p.errors() > 0 ? ", errors " + (g.errors() + p.errors()) : ""));
            }
            rows.add(new String[]{tag + ": CPU per non-streaming request, gateway / pass-through (ratio), req/s, " + settings.connections()
                    + " connections, by round", String.join("; ", rounds), "ratio <= 1.2"});
            rows.add(new String[]{tag + ": CPU ratio, best / worst round",
                    String.format(Locale.ROOT, "%.2f / %.2f", pct(ratios, 0), pct(ratios, 100)), "<= 1.2"});
            rows.add(new String[]{tag + ": gateway resident memory under that load (peak sampled | VmHWM) | pass-through's",
                    String.format(Locale.ROOT, "%d MB | %d MB | %d MB", peakRssKb / 1024, peakRssKb(gateway.process()) / 1024,
                            peakRssKb(pass) / 1024), "<= 160 MB"});
        } finally {
            stop(gateway.process());
            stop(pass);
        }
    }

    record Started(Process process, int port, double millis) {}

    /** Starts the gateway the way users do, with run.sh on {@code java}'s JDK, and times it to its first answered chat. */
    private Started startWithRunSh(String java, int upstreamPort, String log) throws Exception {
        int port = freePort();
        ProcessBuilder pb = new ProcessBuilder("./run.sh");
        pb.environment().put("JAVA_HOME", Path.of(java).toAbsolutePath().getParent().getParent().toString());
        pb.environment().remove("JAVA_OPTS");
        gatewayEnvironment(pb, upstreamPort, port);
        pb.redirectErrorStream(true).redirectOutput(settings.workDir().resolve(log + ".log").toFile());
        pb.directory(new File(".").getAbsoluteFile());
        long start = System.nanoTime();
        Process p = pb.start();
        awaitAnswer("http://127.0.0.1:" + port, start + 60_000_000_000L);
        return new Started(p, port, (System.nanoTime() - start) / 1e6);
    }

    /** The bare pass-through with the JVM flags run.sh gives the gateway. */
    private Process startPassThrough(String java, int port, int upstreamPort) throws IOException {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(runShFlags());
        command.addAll(List.of("-cp", settings.jar() + File.pathSeparator + "target/test-classes", PassThrough.class.getName(),
                String.valueOf(port), String.valueOf(upstreamPort)));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(settings.workDir().resolve("pass-through.log").toFile()).start();
    }

    /** The heap and collector flags of run.sh's DEFAULT_OPTS line. */
    private static List<String> runShFlags() throws IOException {
        Matcher m = Pattern.compile("(?m)^DEFAULT_OPTS=\"([^\"]*)\"").matcher(Files.readString(Path.of("run.sh")));
        if (!m.find()) throw new IllegalStateException("run.sh has no DEFAULT_OPTS line");
        return List.of(m.group(1).trim().split("\\s+"));
    }

    /** Polls until a non-streaming chat through {@code base} answers 200 with the upstream's text. */
    private static void awaitAnswer(String base, long deadlineNanos) throws Exception {
        OkHttpClient c = new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
        Request chat = new Request.Builder().url(base + "/v1/chat/completions").header("Authorization", "Bearer " + KEY)
                .post(RequestBody.create("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", JSON)).build();
        String expected = PacedUpstream.reply(0).substring(0, 12);
        while (System.nanoTime() < deadlineNanos) {
            try (Response r = c.newCall(chat).execute()) {
                String body = r.body().string();
                if (r.code() == 200 && body.contains(expected)) return;
                throw new IllegalStateException("first chat answered " + r.code() + ": " + body);
            } catch (java.net.ConnectException e) {
                Thread.sleep(2); // not listening yet
            }
        }
        throw new IllegalStateException("no answer from " + base + " in time; see " + "target/bench/*.log");
    }

    /** Samples a process's resident memory every 200 ms on a daemon thread until stopped; returns the peak. */
    private static final class RssSampler {
        private final Thread thread;
        private volatile boolean stopped;
        private volatile long peakKb;

        RssSampler(Process p) {
            thread = new Thread(() -> {
                while (!stopped) {
                    try {
                        peakKb = Math.max(peakKb, rssKb(p));
                        Thread.sleep(200);
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "rss-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        long stop() throws InterruptedException {
            stopped = true;
            thread.join();
            return peakKb;
        }
    }


    static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(); // a first run writes its class cache as it stops
    }

    // ---- helpers -----------------------------------------------------------------------------

    private Process startGateway(int upstreamPort, int port) throws IOException {
        List<String> command = new ArrayList<>(List.of(settings.java()));
        command.addAll(runShFlags()); // the heap and collector users get (-Xmx256m)
        command.addAll(List.of("-jar", settings.jar()));
        ProcessBuilder pb = new ProcessBuilder(command);
        gatewayEnvironment(pb, upstreamPort, port);
        pb.redirectErrorStream(true).redirectOutput(settings.workDir().resolve("gateway.log").toFile());
        pb.directory(new File(".").getAbsoluteFile());
        return pb.start();
    }

    private static void gatewayEnvironment(ProcessBuilder pb, int upstreamPort, int port) {
        pb.environment().put("E2B_API_KEY", KEY);
        pb.environment().put("E2B_HOST", "127.0.0.1");
        pb.environment().put("E2B_PORT", String.valueOf(port));
        pb.environment().put("E2B_BASE_URL", "http://127.0.0.1:" + upstreamPort);
    }

    private String javaVersion() throws Exception {
        return javaVersion(settings.java());
    }

    static String javaVersion(String java) throws Exception {
        Process p = new ProcessBuilder(java, "-version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.lines().findFirst().orElse("?");
    }

    private static void awaitHealthy(String base) throws Exception {
        OkHttpClient c = new OkHttpClient();
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            try (Response r = c.newCall(new Request.Builder().url(base + "/health").build()).execute()) {
                if (r.code() == 200) return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("the gateway did not start; see target/bench/gateway.log");
    }

    static long cpuTicks(Process p) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
    }

    static long rssKb(Process p) throws IOException {
        return Soak.status(p.pid(), "VmRSS:");
    }

    private static long peakRssKb(Process p) throws IOException {
        return Soak.status(p.pid(), "VmHWM:");
    }

    static double clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            return Double.parseDouble(new String(p.getInputStream().readAllBytes()).trim());
        } catch (Exception e) {
            return 100;
        }
    }

    private static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** A wrk latency percentile in milliseconds. */
    private static double latency(String text, String percentile) {
        Matcher m = Pattern.compile("\\s" + Pattern.quote(percentile) + "\\s+([\\d.]+)(us|ms|s)").matcher(text);
        if (!m.find()) return Double.NaN;
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }

    private static double pct(List<Double> values, int p) {
        if (values.isEmpty()) return Double.NaN;
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String unquote(String quoted) {
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < quoted.length() - 1; i++) {
            char c = quoted.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = quoted.charAt(++i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'u' -> {
                    out.append((char) Integer.parseInt(quoted.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(e);
            }
        }
        return out.toString();
    }

    private static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) if (args[i].equals(name)) return args[i + 1];
        return fallback;
    }

    private void printTable() {
        int w0 = rows.stream().mapToInt(r -> r[0].length()).max().orElse(10);
        int w1 = rows.stream().mapToInt(r -> r[1].length()).max().orElse(10);
        String format = "| %-" + w0 + "s | %-" + w1 + "s | %s |%n";
        System.out.println();
        System.out.printf(format, "measure", "result", "target");
        System.out.printf(format, "-".repeat(w0), "-".repeat(w1), "------");
        for (String[] r : rows) System.out.printf(format, r[0], r[1], r[2]);
    }
}
