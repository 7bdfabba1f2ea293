package io.fleetevents.reliability.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy that can cut the network: {@link #cut()} resets every proxied connection and refuses new ones until
 * {@link #restore()}; {@link #cutFrom(long)} does the same only to connections opened by one local process. The
 * client sees what it would see when a link drops, and has to resume by itself. With several targets it is a load
 * balancer: each new connection goes to the next target that accepts it, so a dead target's clients land on a live
 * one when they reconnect.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int[] targetPorts;
    private final AtomicInteger next = new AtomicInteger();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    /** Client-side socket of each link → the peer's local port, for {@link #cutFrom}. */
    private final Map<Socket, Integer> clients = new ConcurrentHashMap<>();
    private final Set<Long> cutPids = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;

    public TcpProxy(int... targetPorts) throws IOException {
        if (targetPorts.length == 0) {
            throw new IllegalArgumentException("no target");
        }
        this.targetPorts = targetPorts.clone();
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Drops every connection (RST) and refuses new ones. */
    public void cut() {
        cut = true;
        for (Socket socket : open) {
            reset(socket);
        }
        open.clear();
    }

    /**
     * Drops every connection opened by the local process {@code pid} (RST) and refuses its new ones (the process is
     * told by the owner of the connecting socket, read from {@code /proc}).
     */
    public void cutFrom(long pid) {
        cutPids.add(pid);
        for (Map.Entry<Socket, Integer> link : clients.entrySet()) {
            if (ownedBy(link.getValue(), pid)) {
                reset(link.getKey());
            }
        }
    }

    /** Accepts every connection again. */
    public void restore() {
        cut = false;
        cutPids.clear();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (cut || refusedPeer(client.getPort())) {
                    reset(client);
                    continue;
                }
                Socket upstream = connectToATarget();
                if (upstream == null) {
                    reset(client);
                    continue;
                }
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                open.add(client);
                open.add(upstream);
                clients.put(client, client.getPort());
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // the other side or a cut closed it
            } finally {
                reset(from);
                reset(to);
                open.remove(from);
                open.remove(to);
                clients.remove(from);
                clients.remove(to);
            }
        }, "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /** The first target, from the next one in turn, that accepts a connection; null when none does. */
    private Socket connectToATarget() {
        int first = Math.floorMod(next.getAndIncrement(), targetPorts.length);
        for (int i = 0; i < targetPorts.length; i++) {
            try {
                return new Socket(InetAddress.getLoopbackAddress(), targetPorts[(first + i) % targetPorts.length]);
            } catch (IOException e) {
                // that target is down: try the next
            }
        }
        return null;
    }

    private boolean refusedPeer(int peerPort) {
        for (long pid : cutPids) {
            if (ownedBy(peerPort, pid)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the loopback socket bound to {@code localPort} that is connected to this proxy belongs to process
     * {@code pid}: its inode from {@code /proc/net/tcp6} or {@code /proc/net/tcp}, then a {@code socket:[inode]} among the process's files.
     */
    private boolean ownedBy(int localPort, long pid) {
        String inode = socketInode(localPort, port());
        if (inode == null) {
            return false;
        }
        String link = "socket:[" + inode + "]";
        try (var fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().equals(link);
                } catch (IOException e) {
                    return false; // closed meanwhile
                }
            });
        } catch (IOException e) {
            return false; // the process has gone
        }
    }

    private static String socketInode(int localPort, int remotePort) {
        String local = String.format(":%04X", localPort);
        String remote = String.format(":%04X", remotePort);
        // A JVM's sockets are IPv6 ones (127.0.0.1 mapped) unless it prefers the IPv4 stack: look in both tables.
        for (String table : List.of("/proc/net/tcp6", "/proc/net/tcp")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && f[1].endsWith(local) && f[2].endsWith(remote)) {
                        return f[9];
                    }
                }
            } catch (IOException e) {
                // no such table on this host
            }
        }
        return null;
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        cut();
    }
}
