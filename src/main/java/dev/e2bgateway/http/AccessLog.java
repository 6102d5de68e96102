package dev.e2bgateway.http;

import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where the access lines go: standard error, like every other log line and in the same format
 * (the thread, the level, the logger {@code e2bgateway.access}), but written in batches.
 * A request appends its line to a buffer; a writer thread sends what has gathered at most
 * {@link #DELAY_MILLIS} later in one write, or at once when {@link #BATCH_CHARS} have gathered.
 * Under load that is one system call for dozens of requests instead of one each; idle, the
 * writer sleeps. Lines are flushed on {@link #close()}, which the gateway calls as it stops.
 * Silenced like any slf4j-simple logger ({@code org.slf4j.simpleLogger.log.e2bgateway.access=warn}).
 */
public final class AccessLog implements AutoCloseable {

    static final String LOGGER = "e2bgateway.access";
    static final long DELAY_MILLIS = 100;
    static final int BATCH_CHARS = 16 * 1024;

    private final PrintStream out;
    private final boolean enabled = LoggerFactory.getLogger(LOGGER).isInfoEnabled();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition gathered = lock.newCondition();
    private final Condition full = lock.newCondition();
    private StringBuilder pending = new StringBuilder();
    private boolean closed;
    private final Thread writer;

    public AccessLog() {
        this(System.err);
    }

    AccessLog(PrintStream out) {
        this.out = out;
        writer = new Thread(this::writeBatches, "access-log");
        writer.setDaemon(true);
        if (enabled) writer.start();
    }

    public boolean enabled() {
        return enabled;
    }

    /** Appends one line (without its newline), prefixed as slf4j-simple would for this thread. */
    public void write(CharSequence message) {
        if (!enabled) return;
        String thread = Thread.currentThread().getName();
        lock.lock();
        try {
            boolean wasEmpty = pending.length() == 0;
            pending.append('[').append(thread).append("] INFO ").append(LOGGER).append(" - ").append(message).append('\n');
            if (closed) {
                send(take());
            } else if (wasEmpty) {
                gathered.signal();
            } else if (pending.length() >= BATCH_CHARS) {
                full.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    private void writeBatches() {
        while (true) {
            String batch;
            lock.lock();
            try {
                while (pending.length() == 0 && !closed) gathered.awaitUninterruptibly();
                if (closed) return;
                // Let the lines of the next moment join this batch, unless it is already large.
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DELAY_MILLIS);
                for (long left = deadline - System.nanoTime(); left > 0 && pending.length() < BATCH_CHARS && !closed;
                     left = deadline - System.nanoTime()) {
                    try {
                        full.awaitNanos(left);
                    } catch (InterruptedException e) {
                        break;
                    }
                }
                batch = take();
            } finally {
                lock.unlock();
            }
            send(batch);
        }
    }

    private String take() {
        String batch = pending.toString();
        pending = new StringBuilder(Math.min(BATCH_CHARS * 2, Math.max(256, batch.length() + 256)));
        return batch;
    }

    private void send(String batch) {
        if (batch.isEmpty()) return;
        byte[] bytes = batch.getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
        out.flush();
    }

    /**
     * Writes what is pending, after the batch the writer may be sending at this moment (so no
     * line is still on its way when this returns, and lines keep their order); later lines are
     * written at once.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            gathered.signal();
            full.signal();
        } finally {
            lock.unlock();
        }
        if (writer.isAlive() && writer != Thread.currentThread()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String batch;
        lock.lock();
        try {
            batch = take();
        } finally {
            lock.unlock();
        }
        send(batch);
    }
}
