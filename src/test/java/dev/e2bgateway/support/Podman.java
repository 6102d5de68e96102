package dev.e2bgateway.support;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's podman (and the scripts and tools around it) as the container test runs them: every
 * command bounded by a deadline, its output captured and echoed line by line with a prefix, so a
 * slow first run (a base image being bootstrapped) shows its progress in the build log.
 *
 * <p>Containers run with the {@code runc} runtime ({@code crun} fails on these machines' cgroups)
 * and bounded open-file and process limits (podman's defaults are refused there).
 */
public final class Podman {

    /** The runtime for every podman command (it is a global flag). */
    public static final List<String> RUNTIME = List.of("--runtime", "runc");
    /** Limits for every container podman starts here, {@code podman run} and {@code build} alike. */
    public static final List<String> LIMITS = List.of("--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024");

    private Podman() {
    }

    /** What a command printed (stdout and stderr together) and how it exited. */
    public record Result(int exit, String output) {
        public Result ok(String what) {
            if (exit != 0) throw new AssertionError(what + " failed with exit " + exit + ":\n" + output);
            return this;
        }

        /** The output without the trailing newline, for one-line answers. */
        public String text() {
            return output.strip();
        }
    }

    /** Whether {@code program} is an executable on the PATH (or in /usr/sbin, where Debian puts runc and debootstrap). */
    public static boolean installed(String program) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin" + File.pathSeparator + "/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }

    /** {@code podman --runtime runc <args>}, quiet, within {@code timeout}. */
    public static Result podman(Duration timeout, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(RUNTIME);
        command.addAll(List.of(args));
        return run(timeout, command, Map.of(), null);
    }

    /**
     * Runs {@code command} in the working directory, with {@code env} added to this process's
     * environment; with a {@code label}, echoes each line as {@code [label] line} as it comes.
     * A command still running at the deadline is killed and the test fails with what it printed.
     */
    public static Result run(Duration timeout, List<String> command, Map<String, String> env, String label) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process process = pb.start();
        process.getOutputStream().close();
        StringBuilder output = new StringBuilder();
        // Read on a thread of its own: the deadline must hold even while the command prints nothing.
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                    if (label != null) System.out.println("[" + label + "] " + line);
                }
            } catch (IOException e) {
                // the process was killed at its deadline; what it printed so far is kept
            }
        }, "podman-output");
        reader.setDaemon(true);
        reader.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            reader.join(5_000);
            synchronized (output) {
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s:\n" + output);
            }
        }
        reader.join(10_000);
        synchronized (output) {
            return new Result(process.exitValue(), output.toString());
        }
    }
}
