package dev.e2bgateway.support;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Says loudly, at the end of a test run, which tests did not run: skipped ({@code @Disabled})
 * or aborted (an assumption failed, such as "chromium is not installed"). Surefire and failsafe
 * count both as skipped in a line that is easy to miss; a test that needs a tool the machine lacks
 * proves nothing, so the list and the reasons stand out here, once for the unit tests and once for
 * the *IT classes. {@code .ci/run} fails when any test was skipped. Registered through
 * META-INF/services for the JUnit Platform launcher, which both plugins use.
 */
public final class SkippedTests implements TestExecutionListener {

    private final List<String> skipped = new ArrayList<>();
    private TestPlan plan;

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
        skipped.clear();
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        skipped.add(name(test) + ": " + reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            skipped.add(name(test) + ": " + result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        if (skipped.isEmpty()) return;
        PrintStream out = System.err;
        String bar = "!".repeat(78);
        out.println(bar);
        out.println("!!! SKIPPED: " + skipped.size() + " test(s) did not run; what they check is NOT checked:");
        skipped.forEach(s -> out.println("!!!   " + s));
        out.println(bar);
    }

    private String name(TestIdentifier test) {
        String parent = plan == null ? "" : plan.getParent(test).map(TestIdentifier::getDisplayName).orElse("");
        return (parent.isEmpty() ? "" : parent + " > ") + test.getDisplayName();
    }
}
