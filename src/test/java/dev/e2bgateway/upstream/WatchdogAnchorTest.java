package dev.e2bgateway.upstream;

import okio.BufferedSource;
import okio.Okio;
import org.junit.jupiter.api.Test;

import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With the anchor in Okio's queue, socket timeouts still fire: shorter than its second and longer. */
class WatchdogAnchorTest {

    @Test
    void readTimeoutsStillFire() throws Exception {
        WatchdogAnchor.start();
        WatchdogAnchor.start(); // a second gateway in the same process changes nothing
        for (long millis : new long[]{200, 1_500}) {
            try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                 Socket socket = new Socket(silent.getInetAddress(), silent.getLocalPort())) {
                BufferedSource source = Okio.buffer(Okio.source(socket));
                source.timeout().timeout(millis, TimeUnit.MILLISECONDS);
                long start = System.nanoTime();
                assertThrows(InterruptedIOException.class, () -> source.readByte(), "a " + millis + " ms timeout fires");
                long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(took >= millis, "not before its time: " + took + " ms");
            }
        }
    }
}
