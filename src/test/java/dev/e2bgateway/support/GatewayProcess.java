package dev.e2bgateway.support;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The gateway as its own process (java ... dev.e2bgateway.Main), for signals and exit codes. */
public final class GatewayProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("e2b-gateway listening on http://\\S+:(\\d+)/v1");

    public final Process process;
    public final int port;
    public final Path log;

    private GatewayProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts the gateway on port 0 and reads the port it got from its "listening on" line, which
     * Main logs once the server is up and the SIGTERM handler is installed.
     */
    public static GatewayProcess start(Map<String, String> env) throws Exception {
        return start(env, List.of());
    }

    /** As {@link #start(Map)}, with JVM options (the memory flags run.sh and the container use: {@code -Xmx256m}, ...). */
    public static GatewayProcess start(Map<String, String> env, List<String> jvmOptions) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.e2bgateway.Main"));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("E2B_") || k.toUpperCase().endsWith("_PROXY"));
        pb.environment().put("E2B_API_KEY", Gateway.KEY);
        pb.environment().put("E2B_HOST", "127.0.0.1");
        pb.environment().put("E2B_PORT", "0");
        pb.environment().putAll(env);
        Path log = Files.createTempFile("gateway", ".log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile()).directory(new File(System.getProperty("java.io.tmpdir")));
        Process process = pb.start();
        try {
            GatewayProcess gateway = new GatewayProcess(process, awaitListening(process, log), log);
            gateway.checkHealthy();
            return gateway;
        } catch (Exception | Error e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private static int awaitListening(Process process, Path log) throws Exception {
        AtomicInteger port = new AtomicInteger();
        Poll.until("the gateway logs where it listens", Duration.ofSeconds(30), () -> {
            String out = read(log);
            Matcher m = LISTENING.matcher(out);
            if (m.find()) {
                port.set(Integer.parseInt(m.group(1)));
                return true;
            }
            if (!process.isAlive()) throw new AssertionError("the gateway exited with " + process.exitValue() + ": " + out);
            return false;
        });
        return port.get();
    }

    /**
     * One request before the test's own. It also warms the process up: a cold gateway spends long
     * enough loading classes while it completes its first response that a shutdown started then
     * (GracefulShutdownIT) often stops Jetty before that response's last chunk is written.
     */
    private void checkHealthy() throws IOException {
        // A deadline, not a measure: a cold JVM on a loaded machine can take longer than OkHttp's default 10 s.
        OkHttpClient client = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(60)).build();
        try (Response r = client.newCall(new Request.Builder().url(baseUrl() + "/health").build()).execute()) {
            if (r.code() != 200) throw new AssertionError("the gateway's /health answered " + r.code() + ": " + output());
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Everything the process printed so far. */
    public String output() throws IOException {
        return read(log);
    }

    /** The log as written so far; a line being written may end in half a UTF-8 character. */
    private static String read(Path log) throws IOException {
        return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    }

    /** SIGTERM, as systemd stop sends. */
    public void terminate() {
        process.destroy();
    }

    /** SIGHUP, as systemctl reload sends (the unit's ExecReload). */
    public void hangUp() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-HUP", String.valueOf(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) throw new AssertionError("kill -HUP " + process.pid() + " failed");
    }

    public int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) throw new AssertionError("the gateway did not exit in " + seconds + " s");
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
