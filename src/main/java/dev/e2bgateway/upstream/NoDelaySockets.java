package dev.e2bgateway.upstream;

import javax.net.SocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

/**
 * Upstream sockets with Nagle's algorithm off. A request body larger than one segment leaves a
 * short last segment that Nagle holds back until the upstream acknowledges the ones before it,
 * and the upstream delays that acknowledgement (up to 40 ms on Linux) while it waits for the rest
 * of the request: every agent-sized request paid it. OkHttp writes each request in as few writes
 * as its buffer allows, so nothing is gained by waiting.
 */
public final class NoDelaySockets extends SocketFactory {

    private static final SocketFactory PLAIN = SocketFactory.getDefault();

    @Override
    public Socket createSocket() throws IOException {
        return noDelay(PLAIN.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return noDelay(PLAIN.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return noDelay(PLAIN.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return noDelay(PLAIN.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return noDelay(PLAIN.createSocket(address, port, localAddress, localPort));
    }

    private static Socket noDelay(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        return socket;
    }
}
