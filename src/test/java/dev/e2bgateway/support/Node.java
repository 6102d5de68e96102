package dev.e2bgateway.support;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a script of src/test/node with the machine's Node.js. Where the npm packages are not
 * installed the test is skipped, except under CI (CI=true), where that is a failure:
 * .ci/run installs them.
 */
public final class Node {

    public static final Path DIR = Path.of("src", "test", "node");

    private Node() {
    }

    public record Result(int exitCode, String stdout, String stderr) {}

    public static Result run(String script, String... args) throws IOException, InterruptedException {
        boolean installed = Files.isDirectory(DIR.resolve("node_modules"));
        if (!installed && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("src/test/node/node_modules is missing: run 'npm ci' there (.ci/run does)");
        }
        Assumptions.assumeTrue(installed, "npm packages not installed in src/test/node (run 'npm ci' there)");
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(DIR.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("node " + script + " did not finish in 120 s");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
