package dev.e2bgateway.state;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** The store contract in memory, on a clock the test moves. */
class MemoryResponseStoreContractTest extends ResponseStoreContract {

    private final AtomicLong now = new AtomicLong(1_000_000);

    @Override
    ResponseStore newStore() {
        return new MemoryResponseStore(1000, 1 << 20, TTL, now::get);
    }

    @Override
    void advance(Duration time) {
        now.addAndGet(time.toMillis());
    }
}
