package dev.e2bgateway.support;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Map;

/**
 * A fake upstream and a gateway in front of it, shared by the tests of one class:
 * {@code @RegisterExtension static final RunningGateway server = new RunningGateway();}
 * Before each test the upstream's recorded requests are cleared, so a test sees only the
 * requests it caused.
 */
public final class RunningGateway implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    private final Map<String, String> env;
    public FakeFragments upstream;
    public Gateway gateway;

    public RunningGateway() {
        this(Map.of());
    }

    /** With these settings over the test defaults. */
    public RunningGateway(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        upstream = new FakeFragments();
        gateway = Gateway.start(upstream, env);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        upstream.clearRequests();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        gateway.close();
        upstream.close();
    }
}
