package dev.e2bgateway.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the tests that start a real server as a child process (redis-server, nginx) share: a port
 * to try it on, and reading its logs.
 *
 * <p>Neither server can listen on port 0 and report the port it got, so the test names one. It
 * binds nothing beforehand to find a free one (a port released again can be taken before the
 * server binds it); it picks a random port below the kernel's ephemeral range, which outgoing
 * connections are never given, and tries another when the server logs "Address already in use".
 */
public final class ChildServers {

    private ChildServers() {
    }

    /** A random port from 10000 up to the start of the ephemeral range (usually 32768). */
    public static int candidatePort() throws IOException {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        int ephemeralStart = Files.isReadable(range) ? Integer.parseInt(Files.readString(range).trim().split("\\s+")[0]) : 32768;
        return ThreadLocalRandom.current().nextInt(10_000, Math.max(ephemeralStart, 11_000));
    }

    /** A log file's text so far; empty while the server has not written it. */
    public static String read(Path file) throws IOException {
        return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
    }
}
