package dev.e2bgateway.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static dev.e2bgateway.support.ChildServers.candidatePort;
import static dev.e2bgateway.support.ChildServers.read;

/**
 * Debian's {@code redis-server} on a loopback port of its own, for the tests of the Redis store:
 * no persistence, a password, its log in a temporary directory. A missing redis-server fails the
 * test with a message that says how to get it; nothing is skipped.
 *
 * <p>Like nginx in NginxDeploymentIT, it is given a port rather than asked for one (Redis has
 * no port 0 that it reports): a random port below the kernel's ephemeral range, which outgoing
 * connections are never given, and another one if that is taken ("Address already in use").
 */
public final class RedisServer implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/bin/redis-server");
    public static final String PASSWORD = "redis-test-s3cret";

    private final Path dir;
    private final int port;
    private Process process;

    private RedisServer(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    public static RedisServer start(Path dir) throws Exception {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError(BINARY + " is missing: install Debian's redis-server package"
                    + " (apt-get install -y redis-server; .ci/run does) to test the Redis store.");
        }
        for (int attempt = 1; ; attempt++) {
            int port = candidatePort();
            Process p = launch(dir, port);
            if (awaitReady(p, dir)) return new RedisServer(dir, port, p);
            String log = read(dir.resolve("redis.log")) + read(dir.resolve("redis.out"));
            if (!log.contains("Address already in use") || attempt == 5) {
                throw new AssertionError("redis-server did not start on port " + port + " (attempt " + attempt + "): " + log);
            }
        }
    }

    public int port() {
        return port;
    }

    /** {@code redis://:password@127.0.0.1:port/db}. */
    public String url(int database) {
        return "redis://:" + PASSWORD + "@127.0.0.1:" + port + "/" + database;
    }

    /** Stops it at once, as a crash or a restart would. */
    public void stop() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) throw new AssertionError("redis-server did not stop");
    }

    /** Starts it again on the same port (empty: nothing is persisted). */
    public void restart() throws Exception {
        process = launch(dir, port);
        if (!awaitReady(process, dir)) throw new AssertionError("redis-server did not restart on port " + port + ": " + read(dir.resolve("redis.log")));
    }

    /**
     * Freezes it with SIGSTOP, as a Redis that hangs (swapping, a stalled host): connections are
     * still accepted by the kernel, but nothing is answered until {@link #resume()}.
     */
    public void pause() throws Exception {
        signal("STOP");
    }

    /** Lets a paused Redis go on (SIGCONT). */
    public void resume() throws Exception {
        signal("CONT");
    }

    /** Whether it is frozen now (state T in /proc/PID/stat). */
    public boolean paused() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).startsWith("T");
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) throw new AssertionError("kill -" + name + " failed");
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            try {
                resume(); // a frozen one would not die of the SIGTERM a plain destroy sends
            } catch (Exception | AssertionError ignored) {
                // gone meanwhile
            }
        }
        if (process.isAlive()) stop();
    }

    private static Process launch(Path dir, int port) throws IOException {
        Files.deleteIfExists(dir.resolve("redis.log"));
        return new ProcessBuilder(BINARY.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--requirepass", PASSWORD, "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                "--daemonize", "no", "--logfile", dir.resolve("redis.log").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.out").toFile()).start();
    }

    /** True once it accepts connections; false if it exited (its log says why). */
    private static boolean awaitReady(Process p, Path dir) throws Exception {
        Poll.until("redis-server accepts connections or gives up", Duration.ofSeconds(20),
                () -> !p.isAlive() || read(dir.resolve("redis.log")).contains("Ready to accept connections"));
        return p.isAlive();
    }
}
