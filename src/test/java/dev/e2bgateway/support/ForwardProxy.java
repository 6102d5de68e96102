package dev.e2bgateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small HTTP forward proxy on loopback for tests: takes absolute-form requests, optionally
 * demands Basic credentials (407), forwards to the origin and pipes the answer back. Records the
 * URLs it forwarded, so a test can see the traffic went through it.
 */
public final class ForwardProxy extends LoopbackServer {

    private final String requiredAuth;
    private final List<String> forwarded = new CopyOnWriteArrayList<>();
    private final List<String> refused = new CopyOnWriteArrayList<>();

    public ForwardProxy(String user, String password) {
        super("forward-proxy", 50);
        this.requiredAuth = user == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        start();
    }

    public List<String> forwarded() {
        return List.copyOf(forwarded);
    }

    public List<String> refused() {
        return List.copyOf(refused);
    }

    @Override
    protected void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            while (true) {
                String head = Http1.readHead(in);
                if (head == null) return;
                String[] lines = head.split("\r\n");
                String[] requestLine = lines[0].split(" ");
                int length = 0;
                String auth = null;
                StringBuilder forwardedHead = new StringBuilder();
                URI target = URI.create(requestLine[1]);
                forwardedHead.append(requestLine[0]).append(' ').append(target.getRawPath()).append(' ').append(requestLine[2]).append("\r\n");
                for (int i = 1; i < lines.length; i++) {
                    String lower = lines[i].toLowerCase();
                    if (lower.startsWith("content-length:")) length = Integer.parseInt(lines[i].substring(15).trim());
                    if (lower.startsWith("proxy-authorization:")) {
                        auth = lines[i].substring(20).trim();
                        continue;
                    }
                    if (lower.startsWith("proxy-connection:")) continue;
                    forwardedHead.append(lines[i]).append("\r\n");
                }
                forwardedHead.append("Connection: close\r\n\r\n");
                byte[] body = in.readNBytes(length);
                if (requiredAuth != null && !requiredAuth.equals(auth)) {
                    refused.add(requestLine[1]);
                    out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
                            + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    continue;
                }
                forwarded.add(requestLine[1]);
                try (Socket origin = new Socket(target.getHost(), target.getPort())) {
                    OutputStream o = origin.getOutputStream();
                    o.write(forwardedHead.toString().getBytes(StandardCharsets.ISO_8859_1));
                    o.write(body);
                    o.flush();
                    origin.getInputStream().transferTo(out); // the origin closes after its answer
                    out.flush();
                }
                return; // one exchange per client connection, then close
            }
        } catch (IOException e) {
            // client or origin went away
        }
    }


}
