package dev.e2bgateway.support;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A small SOCKS5 proxy on loopback for tests (CONNECT only, optional username/password). */
public final class Socks5Proxy extends LoopbackServer {

    private final String user;
    private final String password;
    private final List<String> connected = new CopyOnWriteArrayList<>();

    public Socks5Proxy(String user, String password) {
        super("socks5-proxy", 50);
        this.user = user;
        this.password = password;
        start();
    }

    /** host:port of every connection made through the proxy. */
    public List<String> connected() {
        return List.copyOf(connected);
    }

    @Override
    protected void serve(Socket client) {
        try (client) {
            DataInputStream in = new DataInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            if (in.readUnsignedByte() != 5) return;
            byte[] methods = in.readNBytes(in.readUnsignedByte());
            int wanted = user == null ? 0 : 2;
            if (!contains(methods, wanted)) {
                out.write(new byte[]{5, (byte) 0xFF});
                return;
            }
            out.write(new byte[]{5, (byte) wanted});
            if (wanted == 2) {
                in.readUnsignedByte(); // sub-negotiation version
                String u = new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.UTF_8);
                String p = new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.UTF_8);
                boolean ok = user.equals(u) && password.equals(p);
                out.write(new byte[]{1, (byte) (ok ? 0 : 1)});
                if (!ok) return;
            }
            in.readUnsignedByte(); // version
            int command = in.readUnsignedByte();
            in.readUnsignedByte(); // reserved
            int type = in.readUnsignedByte();
            String host = switch (type) {
                case 1 -> InetAddress.getByAddress(in.readNBytes(4)).getHostAddress();
                case 3 -> new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.US_ASCII);
                case 4 -> InetAddress.getByAddress(in.readNBytes(16)).getHostAddress();
                default -> throw new IOException("bad address type " + type);
            };
            int port = in.readUnsignedShort();
            if (command != 1) {
                out.write(new byte[]{5, 7, 0, 1, 0, 0, 0, 0, 0, 0});
                return;
            }
            try (Socket origin = new Socket(host, port)) {
                connected.add(host + ":" + port);
                out.write(new byte[]{5, 0, 0, 1, 0, 0, 0, 0, 0, 0});
                out.flush();
                execute(() -> pipe(in, originOut(origin)));
                origin.getInputStream().transferTo(out);
            }
        } catch (IOException e) {
            // one side went away
        }
    }

    private static OutputStream originOut(Socket origin) {
        try {
            return origin.getOutputStream();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void pipe(InputStream from, OutputStream to) {
        try {
            from.transferTo(to);
        } catch (IOException e) {
            // closed
        }
    }

    private static boolean contains(byte[] methods, int method) {
        for (byte m : methods) if (m == method) return true;
        return false;
    }

}
