package dev.e2bgateway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
import okio.BufferedSource;

import javax.net.SocketFactory;
import java.awt.Color;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A long mixed run against the gateway in its own JVM (the flags of ./run.sh): plain and
 * streamed chats on both front doors, clients that hang up mid-stream, clients that read a big
 * stream slowly, upstream replies cut mid-body, upstream 429s and a 503 the gateway retries, at a
 * steady rate. Every response is checked (the exact text, or the expected error), and every 10 s
 * it samples the gateway: heap after a full GC, live threads, open file descriptors, connections
 * to the upstream and from clients, RSS. Writes a CSV and a PNG chart of the samples. Started by
 * bench/soak.sh; not a test. Exits 1 if any request was lost or mis-answered.
 */
public final class Soak {

    private static final String KEY = "sk-soak-0123456789";
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HEAP = Pattern.compile("garbage-first heap\\s+total (?:reserved \\d+K, committed )?(\\d+)K, used (\\d+)K");

    /** One sample of the gateway process. */
    record Sample(double seconds, double heapAfterGcMb, double heapCommittedMb, int threads, int fds, int upstreamConnections,
                  int clientConnections, double rssMb, long completed, long inFlight) {}

    /** What a request does, and what its client expects back. */
    enum Scenario {
        PLAIN("chat completion, not streamed"),
        STREAM("chat completion, streamed"),
        MESSAGES_PLAIN("Anthropic message, not streamed"),
        MESSAGES_STREAM("Anthropic message, streamed"),
        CLIENT_CANCEL("streamed, client hangs up after the first text"),
        SLOW_CLIENT("streamed, ~200 KB read slowly through an 8 KB socket buffer"),
        CUT_PLAIN("upstream cut mid-body, not streamed: 502"),
        CUT_STREAM("upstream cut mid-body, streamed: text, then an error event"),
        RATE_LIMITED_PLAIN("upstream 429, not streamed: 429"),
        RATE_LIMITED_STREAM("upstream 429, streamed: 429"),
        RETRIED_503("upstream 503 once, retried by the gateway: the exact text"),
        CELL_OK("interpreter: Responses, one cell, its output and the answer"),
        CELL_BIG("interpreter: Responses, a cell printing 5 MB: 1 MB kept"),
        CELL_ERROR("interpreter: Messages, a cell raising, plain traceback"),
        CELL_SLOW("interpreter: Responses streamed, a cell past the sandbox timeout"),
        CELL_MANY("interpreter: Responses streamed, 12 cells: 8 run, 4 refused");

        final String description;

        Scenario(String description) {
            this.description = description;
        }
    }

    /** Twenty requests in a row: mostly good chats, the failures a few each. */
    private static final Scenario[] MIX = {
            Scenario.PLAIN, Scenario.STREAM, Scenario.SLOW_CLIENT, Scenario.PLAIN, Scenario.CLIENT_CANCEL,
            Scenario.STREAM, Scenario.MESSAGES_PLAIN, Scenario.CUT_PLAIN, Scenario.PLAIN, Scenario.STREAM,
            Scenario.RATE_LIMITED_PLAIN, Scenario.MESSAGES_STREAM, Scenario.SLOW_CLIENT, Scenario.PLAIN, Scenario.CUT_STREAM,
            Scenario.STREAM, Scenario.RETRIED_503, Scenario.CLIENT_CANCEL, Scenario.RATE_LIMITED_STREAM, Scenario.PLAIN};

    /** The interpreter soak's requests: hostile cells (SoakCells), and a plain chat now and then. */
    private static final Scenario[] INTERPRETER_MIX = {
            Scenario.CELL_OK, Scenario.CELL_BIG, Scenario.CELL_ERROR, Scenario.CELL_SLOW, Scenario.CELL_MANY,
            Scenario.CELL_OK, Scenario.CELL_ERROR, Scenario.PLAIN, Scenario.CELL_BIG, Scenario.CELL_MANY};

    /** @param interpreter the interpreter soak (--interpreter): the gateway with E2B_CODE_INTERPRETER=on, the cells' mix */
    record Settings(String java, String jar, double minutes, double rate, int sampleSeconds, Path work, boolean interpreter) {}

    private final Settings settings;
    private final SoakUpstream upstream = new SoakUpstream();
    private final OkHttpClient client;
    private final OkHttpClient slowClient;
    private final AtomicInteger ids = new AtomicInteger(1);
    private final AtomicLong launched = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final Map<Scenario, AtomicLong> good = new EnumMap<>(Scenario.class);
    private final Map<Scenario, AtomicLong> bad = new EnumMap<>(Scenario.class);
    private final Map<Scenario, ConcurrentLinkedQueue<Long>> millis = new EnumMap<>(Scenario.class);
    private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Integer> cancelled = new ConcurrentLinkedQueue<>();
    private final AtomicLong retriedRequests = new AtomicLong();
    private final AtomicLong extraUpstream = new AtomicLong();
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private String base;

    private Soak(Settings settings) {
        this.settings = settings;
        for (Scenario s : Scenario.values()) {
            good.put(s, new AtomicLong());
            bad.put(s, new AtomicLong());
            millis.put(s, new ConcurrentLinkedQueue<>());
        }
        OkHttpClient.Builder builder = new OkHttpClient.Builder()
                .connectionPool(new ConnectionPool(256, 1, TimeUnit.MINUTES))
                .readTimeout(Duration.ofSeconds(120)).retryOnConnectionFailure(false);
        client = builder.build();
        slowClient = builder.socketFactory(new SmallReceiveBuffer(8192)).build();
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Settings settings = new Settings(arg(args, "--java", "java"), arg(args, "--jar", "target/e2b-gateway.jar"),
                Double.parseDouble(arg(args, "--minutes", "30")), Double.parseDouble(arg(args, "--rate", "30")),
                Integer.parseInt(arg(args, "--sample-seconds", "10")), Path.of(arg(args, "--work", "target/soak")),
                List.of(args).contains("--interpreter"));
        Files.createDirectories(settings.work());
        int exit = new Soak(settings).run();
        System.exit(exit);
    }

    private int run() throws Exception {
        int port = freePort();
        Process gateway = startGateway(port);
        try {
            base = "http://127.0.0.1:" + port;
            awaitHealthy();
            Path jcmd = jcmd(settings.java());
            System.out.printf("soak: %.1f min at %.0f requests/s; gateway pid %d (%s, the flags of ./run.sh), fake upstream on port %d%n",
                    settings.minutes(), settings.rate(), gateway.pid(), javaVersion(), upstream.port());
            long start = System.nanoTime();
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(daemon("soak-sampler"));
            sampler.scheduleAtFixedRate(() -> sample(gateway, jcmd, port, start), 0, settings.sampleSeconds(), TimeUnit.SECONDS);
            ExecutorService workers = Executors.newCachedThreadPool(daemon("soak-client"));
            ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(daemon("soak-pacer"));
            long periodNanos = (long) (1e9 / settings.rate());
            pacer.scheduleAtFixedRate(() -> {
                launched.incrementAndGet();
                workers.execute(this::oneRequest);
            }, 0, periodNanos, TimeUnit.NANOSECONDS);
            long endNanos = start + (long) (settings.minutes() * 60e9);
            while (System.nanoTime() < endNanos) {
                TimeUnit.MILLISECONDS.sleep(Math.min(5_000, Math.max(1, (endNanos - System.nanoTime()) / 1_000_000)));
                if (!gateway.isAlive()) break;
            }
            pacer.shutdown();
            pacer.awaitTermination(10, TimeUnit.SECONDS);
            long drainDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (completed.get() < launched.get() && System.nanoTime() < drainDeadline) TimeUnit.MILLISECONDS.sleep(100);
            sampler.shutdown();
            sampler.awaitTermination(30, TimeUnit.SECONDS);
            sample(gateway, jcmd, port, start); // the last one, with everything finished
            workers.shutdownNow();
            return report(gateway);
        } finally {
            gateway.destroy();
            gateway.waitFor(30, TimeUnit.SECONDS);
            upstream.close();
        }
    }

    // ---- the requests ------------------------------------------------------------------------

    private void oneRequest() {
        int id = ids.getAndIncrement();
        Scenario[] mix = settings.interpreter() ? INTERPRETER_MIX : MIX;
        Scenario scenario = mix[(id - 1) % mix.length];
        long t0 = System.nanoTime();
        String problem;
        try {
            problem = switch (scenario) {
                case PLAIN -> plain(id, "ok", 5, 10, SoakUpstream.reply(id, false));
                case STREAM -> stream(id, "ok", 10, 20, false, client, false);
                case MESSAGES_PLAIN -> messagesPlain(id);
                case MESSAGES_STREAM -> messagesStream(id);
                case CLIENT_CANCEL -> stream(id, "ok", 40, 50, true, client, false);
                case SLOW_CLIENT -> stream(id, "big", 50, 0, false, slowClient, true);
                case CUT_PLAIN -> expectError(id, "cut", false, 502, "upstream_error");
                case CUT_STREAM -> cutStream(id);
                case RATE_LIMITED_PLAIN -> expectError(id, "r429", false, 429, "rate_limit_exceeded");
                case RATE_LIMITED_STREAM -> expectError(id, "r429", true, 429, "rate_limit_exceeded");
                case RETRIED_503 -> {
                    retriedRequests.incrementAndGet();
                    String p = plain(id, "o503", 5, 10, SoakUpstream.reply(id, false));
                    yield p != null ? p : upstream.attempts(id) == 2 ? null : "upstream attempts " + upstream.attempts(id) + ", not 2";
                }
                case CELL_OK, CELL_BIG, CELL_SLOW, CELL_MANY -> {
                    String kind = scenario.name().substring(5).toLowerCase(Locale.ROOT);
                    int cells = scenario == Scenario.CELL_MANY ? SoakCells.MANY : 1;
                    int run = Math.min(cells, 8);
                    extraUpstream.addAndGet(1 + run); // the second round, and the cells sent to the sandbox
                    yield cells(id, kind, cells, scenario == Scenario.CELL_SLOW || scenario == Scenario.CELL_MANY);
                }
                case CELL_ERROR -> {
                    extraUpstream.addAndGet(2);
                    yield raisingCell(id);
                }
            };
        } catch (Exception e) {
            problem = "failed: " + e;
        }
        millis.get(scenario).add((System.nanoTime() - t0) / 1_000_000);
        if (problem == null) {
            good.get(scenario).incrementAndGet();
        } else {
            bad.get(scenario).incrementAndGet();
            if (problems.size() < 50) problems.add(scenario + " #" + id + ": " + problem);
        }
        completed.incrementAndGet();
    }

    private static String directive(int id, String mode, int pieces, long pause) {
        return "soak:" + id + ":" + mode + ":" + pieces + ":" + pause;
    }

    private Call chat(OkHttpClient http, int id, String mode, int pieces, long pause, boolean stream) {
        String body = "{\"model\":\"gpt-4o\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\""
                + directive(id, mode, pieces, pause) + "\"}]}";
        return http.newCall(new Request.Builder().url(base + "/v1/chat/completions").header("Authorization", "Bearer " + KEY)
                .post(RequestBody.create(body, JSON_TYPE)).build());
    }

    private Call message(int id, boolean stream) {
        String body = "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":4096,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + directive(id, "ok", 8, 20) + "\"}]}";
        return client.newCall(new Request.Builder().url(base + "/v1/messages").header("x-api-key", KEY)
                .header("anthropic-version", "2023-06-01").post(RequestBody.create(body, JSON_TYPE)).build());
    }

    private String plain(int id, String mode, int pieces, long pause, String expected) throws IOException {
        try (Response r = chat(client, id, mode, pieces, pause, false).execute()) {
            String text = r.body().string();
            if (r.code() != 200) return "status " + r.code() + " " + abbreviate(text);
            JsonNode choice = JSON.readTree(text).path("choices").path(0);
            if (!expected.equals(choice.path("message").path("content").asText(null))) return "wrong text: " + abbreviate(text);
            if (!"stop".equals(choice.path("finish_reason").asText())) return "finish_reason " + choice.path("finish_reason");
            return null;
        }
    }

    /** A streamed chat: the deltas must join to the exact reply, then stop and [DONE]; or hang up after the first text. */
    private String stream(int id, String mode, int pieces, long pause, boolean hangUp, OkHttpClient http, boolean slowly) throws Exception {
        String expected = SoakUpstream.reply(id, mode.equals("big"));
        Call call = chat(http, id, mode, pieces, pause, true);
        StringBuilder text = new StringBuilder();
        String finish = null;
        boolean done = false;
        try (Response r = call.execute()) {
            if (r.code() != 200) return "status " + r.code() + " " + abbreviate(r.body().string());
            BufferedSource source = r.body().source();
            if (slowly) source = slowReader(source);
            for (String line = source.readUtf8Line(); line != null; line = source.readUtf8Line()) {
                if (!line.startsWith("data: ")) continue;
                String data = line.substring(6);
                if (data.equals("[DONE]")) {
                    done = true;
                    continue;
                }
                JsonNode event = JSON.readTree(data);
                if (event.has("error")) return "error event " + abbreviate(data) + " after " + text.length() + " chars";
                JsonNode choice = event.path("choices").path(0);
                text.append(choice.path("delta").path("content").asText(""));
                if (choice.hasNonNull("finish_reason")) finish = choice.get("finish_reason").asText();
                if (hangUp && !text.isEmpty()) {
                    if (!expected.startsWith(text.toString())) return "text before hanging up is not the reply's start";
                    cancelled.add(id);
                    call.cancel();
                    return null;
                }
            }
        }
        if (hangUp) return "the stream ended before any text";
        if (!text.toString().equals(expected)) return "wrong text (" + text.length() + " of " + expected.length() + " chars)";
        if (!"stop".equals(finish)) return "finish_reason " + finish;
        return done ? null : "no [DONE]";
    }

    /** Reads the stream 4 KB at a time, 20 ms apart: a client on a slow link. */
    private static BufferedSource slowReader(BufferedSource source) throws IOException {
        Buffer all = new Buffer();
        while (true) {
            long n = source.read(all, 4096);
            if (n < 0) return all;
            sleepMillis(20);
        }
    }

    private String cutStream(int id) throws IOException {
        String expected = SoakUpstream.reply(id, false);
        try (Response r = chat(client, id, "cut", 4, 10, true).execute()) {
            if (r.code() != 200) return "status " + r.code() + " " + abbreviate(r.body().string());
            StringBuilder text = new StringBuilder();
            JsonNode error = null;
            boolean afterError = false;
            for (String line = r.body().source().readUtf8Line(); line != null; line = r.body().source().readUtf8Line()) {
                if (!line.startsWith("data: ")) continue;
                if (error != null) afterError = true;
                String data = line.substring(6);
                if (data.equals("[DONE]")) return "[DONE] after a cut";
                JsonNode event = JSON.readTree(data);
                if (event.has("error")) {
                    error = event.get("error");
                    continue;
                }
                JsonNode choice = event.path("choices").path(0);
                if (choice.hasNonNull("finish_reason")) return "a clean finish (" + choice.get("finish_reason") + ") after a cut";
                text.append(choice.path("delta").path("content").asText(""));
            }
            if (text.isEmpty() || !expected.startsWith(text.toString())) return "text before the cut is not the reply's start";
            if (error == null) return "no error event after the cut";
            if (afterError) return "events after the error event";
            return "upstream_error".equals(error.path("code").asText()) ? null : "error event " + error;
        }
    }

    private String expectError(int id, String mode, boolean stream, int status, String code) throws IOException {
        try (Response r = chat(client, id, mode, 4, 10, stream).execute()) {
            String text = r.body().string();
            if (r.code() != status) return "status " + r.code() + ", not " + status + ": " + abbreviate(text);
            String got = JSON.readTree(text).path("error").path("code").asText();
            return code.equals(got) ? null : "error code " + got + ", not " + code;
        }
    }

    private String messagesPlain(int id) throws IOException {
        try (Response r = message(id, false).execute()) {
            String text = r.body().string();
            if (r.code() != 200) return "status " + r.code() + " " + abbreviate(text);
            JsonNode body = JSON.readTree(text);
            if (!SoakUpstream.reply(id, false).equals(body.path("content").path(0).path("text").asText(null))) return "wrong text";
            return "end_turn".equals(body.path("stop_reason").asText()) ? null : "stop_reason " + body.path("stop_reason");
        }
    }

    private String messagesStream(int id) throws IOException {
        StringBuilder text = new StringBuilder();
        boolean stopped = false;
        try (Response r = message(id, true).execute()) {
            if (r.code() != 200) return "status " + r.code() + " " + abbreviate(r.body().string());
            for (String line = r.body().source().readUtf8Line(); line != null; line = r.body().source().readUtf8Line()) {
                if (!line.startsWith("data: ")) continue;
                JsonNode event = JSON.readTree(line.substring(6));
                switch (event.path("type").asText()) {
                    case "content_block_delta" -> text.append(event.path("delta").path("text").asText(""));
                    case "message_stop" -> stopped = true;
                    case "error" -> {
                        return "error event " + abbreviate(line);
                    }
                    default -> { }
                }
            }
        }
        if (!text.toString().equals(SoakUpstream.reply(id, false))) return "wrong text";
        return stopped ? null : "no message_stop";
    }

    /**
     * A Responses turn with {@code n} cells of {@code kind}: the answer's text exact, each cell's
     * output as the gateway's budgets make it (1 MB of a big one, a timeout's note, the budget's refusal).
     */
    private String cells(int id, String kind, int n, boolean stream) throws IOException {
        String body = "{\"model\":\"gpt-4o\",\"store\":false,\"stream\":" + stream + ",\"include\":[\"code_interpreter_call.outputs\"],"
                + "\"input\":\"" + directive(id, "py" + kind, n, 5) + "\",\"tools\":[{\"type\":\"code_interpreter\",\"container\":{\"type\":\"auto\"}}]}";
        try (Response r = client.newCall(new Request.Builder().url(base + "/v1/responses").header("Authorization", "Bearer " + KEY)
                .post(RequestBody.create(body, JSON_TYPE)).build()).execute()) {
            if (r.code() != 200) return "status " + r.code() + " " + abbreviate(r.body().string());
            List<JsonNode> items = new ArrayList<>();
            JsonNode response = null;
            if (stream) {
                for (String line = r.body().source().readUtf8Line(); line != null; line = r.body().source().readUtf8Line()) {
                    if (!line.startsWith("data: ")) continue;
                    JsonNode event = JSON.readTree(line.substring(6));
                    String type = event.path("type").asText();
                    if (type.equals("response.output_item.done") && event.at("/item/type").asText().equals("code_interpreter_call")) {
                        items.add(event.get("item"));
                    }
                    if (type.equals("response.completed")) response = event.get("response");
                }
                if (response == null) return "no response.completed";
            } else {
                response = JSON.readTree(r.body().string());
                for (JsonNode item : response.path("output")) if (item.path("type").asText().equals("code_interpreter_call")) items.add(item);
            }
            if (items.size() != n) return items.size() + " cells, not " + n;
            for (int i = 0; i < n; i++) {
                String logs = items.get(i).at("/outputs/0/logs").asText("");
                String wrong = switch (kind) {
                    case "big" -> logs.length() < (1 << 20) || logs.length() > (1 << 20) + 200 || !logs.contains("more characters left out")
                            ? "a big cell kept " + logs.length() + " characters" : null;
                    case "slow" -> logs.contains("did not answer within") ? null : "a slow cell: " + abbreviate(logs);
                    default -> i < 8 ? (logs.equals(SoakCells.printed(id)) ? null : "cell " + i + ": " + abbreviate(logs))
                            : logs.contains("limit of 8 code cells") ? null : "cell " + i + " past the budget: " + abbreviate(logs);
                };
                if (wrong != null) return wrong;
            }
            String text = response.path("output").findValues("text").stream().map(JsonNode::asText).reduce("", String::concat);
            return text.endsWith(SoakUpstream.reply(id, false)) ? null : "wrong answer text";
        }
    }

    /** A Messages turn whose cell raised: return_code 1, the traceback without terminal escapes, then the answer. */
    private String raisingCell(int id) throws IOException {
        String body = "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":4096,\"messages\":[{\"role\":\"user\",\"content\":\""
                + directive(id, "pyerror", 1, 5) + "\"}],\"tools\":[{\"type\":\"code_execution_20250522\",\"name\":\"code_execution\"}]}";
        try (Response r = client.newCall(new Request.Builder().url(base + "/v1/messages").header("x-api-key", KEY)
                .header("anthropic-version", "2023-06-01").post(RequestBody.create(body, JSON_TYPE)).build()).execute()) {
            String text = r.body().string();
            if (r.code() != 200) return "status " + r.code() + " " + abbreviate(text);
            JsonNode content = JSON.readTree(text).path("content");
            JsonNode result = content.findParents("tool_use_id").stream().findFirst().map(b -> b.get("content")).orElse(null);
            if (result == null || result.path("return_code").asInt() != 1) return "no failed cell: " + abbreviate(text);
            String stderr = result.path("stderr").asText();
            if (stderr.indexOf('\u001b') >= 0 || !stderr.contains("ZeroDivisionError: division by zero")) return "stderr " + abbreviate(stderr);
            return content.get(content.size() - 1).path("text").asText().equals(SoakUpstream.reply(id, false)) ? null : "wrong answer text";
        }
    }

    // ---- sampling ----------------------------------------------------------------------------

    private void sample(Process gateway, Path jcmd, int port, long start) {
        try {
            if (!gateway.isAlive()) return;
            long pid = gateway.pid();
            double[] heap = heapAfterGc(jcmd, pid);
            Set<Long> inodes = socketInodes(pid);
            int fds;
            try (Stream<Path> list = Files.list(Path.of("/proc/" + pid + "/fd"))) {
                fds = (int) list.count();
            }
            samples.add(new Sample((System.nanoTime() - start) / 1e9, heap[0], heap[1], status(pid, "Threads:"), fds,
                    established(inodes, upstream.port(), false), established(inodes, port, true), status(pid, "VmRSS:") / 1024.0,
                    completed.get(), launched.get() - completed.get()));
        } catch (Exception e) {
            System.err.println("soak: a sample failed: " + e);
        }
    }

    /** Heap in use after a full collection, and the committed heap, in MB: {@code jcmd GC.run} then {@code GC.heap_info}. */
    private double[] heapAfterGc(Path jcmd, long pid) throws Exception {
        Path commands = settings.work().resolve("jcmd-commands.txt");
        Files.writeString(commands, "GC.run\nGC.heap_info\n");
        Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), "-f", commands.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        Matcher m = HEAP.matcher(out);
        if (!m.find()) throw new IllegalStateException("no heap figures in jcmd's output: " + abbreviate(out));
        return new double[]{Long.parseLong(m.group(2)) / 1024.0, Long.parseLong(m.group(1)) / 1024.0};
    }

    /** A figure of a process's /proc status ("VmRSS:" and "VmHWM:" in kB, "Threads:"), -1 if absent. */
    static int status(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field)) return Integer.parseInt(line.replaceAll("\\D", ""));
        }
        return -1;
    }

    private static Set<Long> socketInodes(long pid) throws IOException {
        Set<Long> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
                } catch (IOException e) {
                    // closed while we looked
                }
            }
        }
        return inodes;
    }

    /**
     * ESTABLISHED TCP connections of the gateway's sockets ({@code inodes}) whose remote port
     * (or, with {@code local}, local port) is {@code port}, from /proc/net/tcp and tcp6.
     */
    private static int established(Set<Long> inodes, int port, boolean local) throws IOException {
        int n = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                String address = local ? f[1] : f[2];
                int p = Integer.parseInt(address.substring(address.indexOf(':') + 1), 16);
                if (p == port && f[3].equals("01") && inodes.contains(Long.parseLong(f[9]))) n++;
            }
        }
        return n;
    }

    // ---- the report --------------------------------------------------------------------------

    private int report(Process gateway) throws IOException {
        long lost = launched.get() - completed.get();
        long wrong = bad.values().stream().mapToLong(AtomicLong::get).sum();
        List<Integer> notPropagated = new ArrayList<>();
        for (int id : cancelled) if (!upstream.abandoned(id)) notPropagated.add(id);
        long expectedUpstream = launched.get() + retriedRequests.get() + extraUpstream.get();
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "soak: %.1f min, %d requests at %.0f/s; gateway %s", settings.minutes(), launched.get(),
                settings.rate(), gateway.isAlive() ? "alive" : "DIED (exit " + gateway.exitValue() + ")"));
        out.add("");
        out.add(String.format(Locale.ROOT, "| %-70s | %7s | %7s | %6s | %9s | %9s |", "scenario", "sent", "right", "wrong", "p50 ms", "max ms"));
        out.add("|" + "-".repeat(72) + "|---------|---------|--------|-----------|-----------|");
        for (Scenario s : Scenario.values()) {
            if (good.get(s).get() + bad.get(s).get() == 0) continue;
            List<Long> ms = new ArrayList<>(millis.get(s));
            Collections.sort(ms);
            out.add(String.format(Locale.ROOT, "| %-70s | %7d | %7d | %6d | %9d | %9d |", s.description,
                    good.get(s).get() + bad.get(s).get(), good.get(s).get(), bad.get(s).get(),
                    ms.isEmpty() ? 0 : ms.get(ms.size() / 2), ms.isEmpty() ? 0 : ms.get(ms.size() - 1)));
        }
        out.add("");
        out.add(String.format(Locale.ROOT, "lost (sent, never answered): %d; mis-answered: %d", lost, wrong));
        out.add(String.format(Locale.ROOT, "client hang-ups: %d; the gateway abandoned the upstream call for %d of them%s",
                cancelled.size(), cancelled.size() - notPropagated.size(),
                notPropagated.isEmpty() ? "" : ", not for " + notPropagated.subList(0, Math.min(10, notPropagated.size()))));
        out.add(String.format(Locale.ROOT, "upstream requests: %d (expected %d: one per request, two for each retried 503%s)",
                upstream.requests(), expectedUpstream, settings.interpreter() ? ", two per turn with cells and one per cell run; "
                        + upstream.sandboxRuns() + " sandbox runs" : ""));
        out.addAll(trend());
        problems.forEach(p -> out.add("  " + p));
        Path csv = settings.work().resolve("soak.csv");
        writeCsv(csv);
        Path png = settings.work().resolve("soak.png");
        SoakChart.write(png, String.format(Locale.ROOT, "e2b-gateway soak: %.0f min, %.0f req/s, %d requests, %d lost, %d wrong",
                settings.minutes(), settings.rate(), launched.get(), lost, wrong), samples, List.of(
                new SoakChart.Series("heap after a full GC", "MB, jcmd GC.heap_info", Sample::heapAfterGcMb, new Color(0x1f77b4)),
                new SoakChart.Series("live threads", "OS threads, /proc/<pid>/status", Sample::threads, new Color(0xd62728)),
                new SoakChart.Series("open file descriptors", "/proc/<pid>/fd", Sample::fds, new Color(0x2ca02c)),
                new SoakChart.Series("connections to the upstream", "ESTABLISHED", Sample::upstreamConnections, new Color(0x9467bd)),
                new SoakChart.Series("connections from clients", "ESTABLISHED", Sample::clientConnections, new Color(0x8c564b)),
                new SoakChart.Series("resident set size", "MB, VmRSS", Sample::rssMb, new Color(0xff7f0e))));
        out.add("samples: " + csv + ", chart: " + png + ", gateway log: " + settings.work().resolve("gateway.log"));
        boolean passed = lost == 0 && wrong == 0 && notPropagated.isEmpty() && upstream.requests() == expectedUpstream && gateway.isAlive();
        out.add(passed ? "PASS" : "FAIL");
        out.forEach(System.out::println);
        Files.write(settings.work().resolve("summary.txt"), out);
        return passed ? 0 : 1;
    }

    /** Each measure at the start (first sample after the first minute) and the end, and its range. */
    private List<String> trend() {
        List<String> lines = new ArrayList<>();
        if (samples.isEmpty()) return lines;
        Sample first = samples.stream().filter(s -> s.seconds() >= 60).findFirst().orElse(samples.get(0));
        Sample last = samples.get(samples.size() - 1);
        lines.add(String.format(Locale.ROOT, "%d samples; from %.0f s to the end (%.0f s), with min / max over the run:",
                samples.size(), first.seconds(), last.seconds()));
        lines.add(line("heap after full GC (MB)", first.heapAfterGcMb(), last.heapAfterGcMb(), Sample::heapAfterGcMb));
        lines.add(line("live threads", first.threads(), last.threads(), Sample::threads));
        lines.add(line("open file descriptors", first.fds(), last.fds(), Sample::fds));
        lines.add(line("connections to the upstream", first.upstreamConnections(), last.upstreamConnections(), Sample::upstreamConnections));
        lines.add(line("connections from clients", first.clientConnections(), last.clientConnections(), Sample::clientConnections));
        lines.add(line("RSS (MB)", first.rssMb(), last.rssMb(), Sample::rssMb));
        return lines;
    }

    private String line(String name, double first, double last, java.util.function.ToDoubleFunction<Sample> f) {
        double min = samples.stream().mapToDouble(f).min().orElse(0);
        double max = samples.stream().mapToDouble(f).max().orElse(0);
        return String.format(Locale.ROOT, "  %-30s %8.1f -> %8.1f   (min %.1f, max %.1f)", name, first, last, min, max);
    }

    private void writeCsv(Path csv) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("seconds,heap_after_gc_mb,heap_committed_mb,threads,fds,upstream_connections,client_connections,rss_mb,completed,in_flight");
        for (Sample s : samples) {
            lines.add(String.format(Locale.ROOT, "%.1f,%.1f,%.1f,%d,%d,%d,%d,%.1f,%d,%d", s.seconds(), s.heapAfterGcMb(), s.heapCommittedMb(),
                    s.threads(), s.fds(), s.upstreamConnections(), s.clientConnections(), s.rssMb(), s.completed(), s.inFlight()));
        }
        Files.write(csv, lines);
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** The gateway as ./run.sh starts it, on a free port, against the fake upstream. */
    private Process startGateway(int port) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(settings.java(), "-Xms64m", "-Xmx256m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=50",
                "-XX:+ExitOnOutOfMemoryError", "-Dfile.encoding=UTF-8", "-jar", settings.jar());
        pb.environment().put("E2B_API_KEY", KEY);
        pb.environment().put("E2B_HOST", "127.0.0.1");
        pb.environment().put("E2B_PORT", String.valueOf(port));
        pb.environment().put("E2B_BASE_URL", "http://127.0.0.1:" + upstream.port());
        if (settings.interpreter()) {
            pb.environment().put("E2B_CODE_INTERPRETER", "on");
            pb.environment().put("E2B_SANDBOX_TIMEOUT_MS", String.valueOf(SoakCells.SANDBOX_TIMEOUT_MILLIS));
        }
        pb.redirectErrorStream(true).redirectOutput(settings.work().resolve("gateway.log").toFile());
        pb.directory(new File(".").getAbsoluteFile());
        return pb.start();
    }

    private void awaitHealthy() throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            try (Response r = client.newCall(new Request.Builder().url(base + "/health").build()).execute()) {
                if (r.code() == 200) return;
            } catch (IOException e) {
                sleepMillis(100); // not listening yet
            }
        }
        throw new IllegalStateException("the gateway did not start; see " + settings.work().resolve("gateway.log"));
    }

    /** jcmd of the JDK that runs the gateway, so it can attach to it. */
    private static Path jcmd(String java) throws IOException {
        Path path = Path.of(java);
        if (!path.isAbsolute() && path.getNameCount() == 1) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                Path candidate = Path.of(dir, java);
                if (Files.isExecutable(candidate)) {
                    path = candidate;
                    break;
                }
            }
        }
        Path jcmd = path.toRealPath().resolveSibling("jcmd");
        if (!Files.isExecutable(jcmd)) throw new IllegalStateException("no jcmd next to " + path.toRealPath() + ": use a JDK, not a JRE");
        return jcmd;
    }

    private String javaVersion() throws Exception {
        Process p = new ProcessBuilder(settings.java(), "-version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.lines().findFirst().orElse("?");
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    private static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) if (args[i].equals(name)) return args[i + 1];
        return fallback;
    }

    /** Sockets with a small receive buffer: the gateway's writes to a slow reader block early. */
    private static final class SmallReceiveBuffer extends SocketFactory {
        private final int bytes;

        SmallReceiveBuffer(int bytes) {
            this.bytes = bytes;
        }

        @Override
        public Socket createSocket() throws IOException {
            Socket s = new Socket();
            s.setReceiveBufferSize(bytes);
            return s;
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return connect(createSocket(), new InetSocketAddress(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return connect(createSocket(), new InetSocketAddress(host, port));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return connect(createSocket(), new InetSocketAddress(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return connect(createSocket(), new InetSocketAddress(address, port));
        }

        private static Socket connect(Socket s, InetSocketAddress to) throws IOException {
            s.connect(to);
            return s;
        }
    }
}
