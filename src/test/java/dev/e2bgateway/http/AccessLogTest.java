package dev.e2bgateway.http;

import dev.e2bgateway.support.Poll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class AccessLogTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String written() {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void lines_come_out_in_order_in_slf4j_simple_format_and_close_flushes_them() throws InterruptedException {
        AccessLog log = new AccessLog(out);
        Thread worker = new Thread(() -> {
            for (int i = 0; i < 50; i++) log.write("req_" + i + " GET /health 200");
        }, "worker-7");
        worker.start();
        worker.join();
        log.close();
        String[] lines = written().split("\n");
        assertThat(lines).hasSize(50);
        for (int i = 0; i < 50; i++) assertThat(lines[i]).isEqualTo("[worker-7] INFO e2bgateway.access - req_" + i + " GET /health 200");
    }

    @Test
    void a_few_lines_are_written_within_the_delay_without_a_close() throws Exception {
        AccessLog log = new AccessLog(out);
        log.write("req_1 GET /health 200 ünïcode");
        Poll.until("the line is written", Duration.ofSeconds(5), () -> written().contains("req_1 GET /health 200 ünïcode\n"));
        log.write("req_2 GET /health 200");
        Poll.until("the next line is written", Duration.ofSeconds(5), () -> written().contains("req_2"));
        log.close();
        assertThat(written().split("\n")).hasSize(2);
    }

    @Test
    void lines_after_close_are_written_at_once() {
        AccessLog log = new AccessLog(out);
        log.close();
        log.write("req_late GET /health 200");
        assertThat(written()).endsWith("req_late GET /health 200\n");
    }

    @Test
    void many_lines_from_many_threads_all_arrive_whole() throws InterruptedException {
        AccessLog log = new AccessLog(out);
        Thread[] threads = new Thread[8];
        for (int t = 0; t < threads.length; t++) {
            int id = t;
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 2_000; i++) log.write("req_" + id + "_" + i + " POST /v1/chat/completions 200 " + "x".repeat(i % 50));
            });
            threads[t].start();
        }
        for (Thread t : threads) t.join();
        log.close();
        String[] lines = written().split("\n");
        assertThat(lines).hasSize(16_000);
        assertThat(lines).allMatch(l -> l.matches("\\[Thread-\\d+] INFO e2bgateway.access - req_\\d_\\d+ POST /v1/chat/completions 200 x*"));
    }
}
