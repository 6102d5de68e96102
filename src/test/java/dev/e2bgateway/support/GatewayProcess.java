package dev.e2bgateway.support;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The gateway as its own process (java ... dev.e2bgateway.Main), for signals and exit codes. */
public final class GatewayProcess implements AutoCloseable {

    public final Process process;
    public final int port;
    public final Path log;

    private GatewayProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static GatewayProcess start(Map<String, String> env) throws IOException, InterruptedException {
        int port = freePort();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), "dev.e2bgateway.Main"));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("E2B_") || k.toUpperCase().endsWith("_PROXY"));
        pb.environment().put("E2B_API_KEY", Gateway.KEY);
        pb.environment().put("E2B_HOST", "127.0.0.1");
        pb.environment().put("E2B_PORT", String.valueOf(port));
        pb.environment().putAll(env);
        Path log = Files.createTempFile("gateway", ".log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile()).directory(new File(System.getProperty("java.io.tmpdir")));
        GatewayProcess gp = new GatewayProcess(pb.start(), port, log);
        gp.awaitHealthy();
        return gp;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public String output() throws IOException {
        return Files.readString(log);
    }

    private void awaitHealthy() throws InterruptedException, IOException {
        OkHttpClient client = new OkHttpClient();
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) throw new AssertionError("the gateway exited: " + output());
            try (Response r = client.newCall(new Request.Builder().url(baseUrl() + "/health").build()).execute()) {
                if (r.code() == 200) return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the gateway did not become healthy: " + output());
    }

    /** SIGTERM, as systemd stop sends. */
    public void terminate() {
        process.destroy();
    }

    public int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) throw new AssertionError("the gateway did not exit in " + seconds + " s");
        return process.exitValue();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
