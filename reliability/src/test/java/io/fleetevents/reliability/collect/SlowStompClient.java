package io.fleetevents.reliability.collect;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A superagent that cannot keep up: a STOMP subscriber on a plain socket with a small receive buffer that reads at
 * most {@code bytesPerSecond} once subscribed — or nothing at all (0: stuck). TCP flow control pushes back on the
 * server at once (no client-side WebSocket buffering to hide it), so the broadcaster's per-connection queue grows and
 * its slow-consumer rules must drop this client without slowing anyone else. {@link #drain} then reads at full speed
 * what the server sent: MESSAGE frames and, for a slow (not stuck) reader, the ERROR frame with the resume token.
 * Speaks just enough RFC 6455: the opening handshake, masked client text frames, unmasked server frames.
 */
public final class SlowStompClient implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int CHUNK = 256;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final int bytesPerSecond;
    private final List<StompFrame> frames = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream message = new ByteArrayOutputStream();
    private byte[] pending = new byte[16 * 1024];
    private int pendingLength;
    private volatile boolean fast;
    private volatile boolean closedByServer;
    private Thread reader;

    private SlowStompClient(Socket socket, int bytesPerSecond) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.bytesPerSecond = bytesPerSecond;
    }

    /**
     * Connects, subscribes {@code subscriptions} times (ids 0, 1, …) with {@code subscribeHeaders} — each event then
     * costs this connection that many frames — and waits for each SUBSCRIBE's RECEIPT; from then on it reads
     * {@code bytesPerSecond} (0: nothing) until {@link #drain}.
     */
    public static SlowStompClient subscribe(URI ws, String token, Map<String, String> subscribeHeaders,
                                            int bytesPerSecond, int subscriptions) throws IOException {
        Socket socket = new Socket();
        // before connect, so the advertised window stays bounded: TCP pushes back after ~64 KB. (Much smaller windows
        // make Linux fall back to zero-window probes with exponential backoff, and a merely slow reader then looks
        // stuck to the server's send timeout.)
        socket.setReceiveBufferSize(65_536);
        socket.connect(new InetSocketAddress(ws.getHost(), ws.getPort()), 5_000);
        socket.setSoTimeout(10_000);
        SlowStompClient client = new SlowStompClient(socket, bytesPerSecond);
        try {
            client.handshake(ws);
            Map<String, String> connect = new LinkedHashMap<>();
            connect.put("accept-version", "1.2");
            connect.put("host", "localhost");
            connect.put("passcode", token);
            connect.put("heart-beat", "0,0");
            client.sendText(StompFrame.of("CONNECT", connect).encode());
            client.readUntil("CONNECTED");
            for (int id = 0; id < subscriptions; id++) {
                Map<String, String> sub = new LinkedHashMap<>();
                sub.put("id", String.valueOf(id));
                sub.put("destination", "/topic/events");
                sub.put("receipt", "slow-" + id);
                sub.putAll(subscribeHeaders);
                client.sendText(StompFrame.of("SUBSCRIBE", sub).encode());
                client.readUntil("RECEIPT", "slow-" + id);
            }
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        if (bytesPerSecond > 0) {
            client.startReader();
        }
        return client;
    }

    private void handshake(URI ws) throws IOException {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String request = "GET " + ws.getRawPath() + " HTTP/1.1\r\n"
                + "Host: " + ws.getHost() + ":" + ws.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: v12.stomp\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed during the WebSocket handshake: " + head);
            }
            head.append((char) b);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("WebSocket handshake refused: " + head.toString().lines().findFirst().orElse(""));
        }
    }

    private void sendText(String payload) throws IOException {
        byte[] data = payload.getBytes(StandardCharsets.UTF_8);
        if (data.length >= 65_536) {
            throw new IllegalArgumentException("frame too large for this client: " + data.length);
        }
        ByteArrayOutputStream frame = new ByteArrayOutputStream(data.length + 8);
        frame.write(0x81); // FIN + text
        if (data.length < 126) {
            frame.write(0x80 | data.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(data.length >>> 8);
            frame.write(data.length & 0xff);
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < data.length; i++) {
            frame.write(data[i] ^ mask[i & 3]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /** Reads (blocking) until a frame with {@code command} arrived; only before the reader thread starts. */
    private void readUntil(String command) throws IOException {
        readUntil(command, null);
    }

    /** Same, for a RECEIPT with {@code receiptId} (null: any frame with the command). */
    private void readUntil(String command, String receiptId) throws IOException {
        byte[] buffer = new byte[CHUNK];
        while (true) {
            synchronized (frames) {
                for (StompFrame frame : frames) {
                    if (frame.command().equals(command)
                            && (receiptId == null || receiptId.equals(frame.header("receipt-id")))) {
                        return;
                    }
                    if (frame.command().equals("ERROR")) {
                        throw new IOException("ERROR instead of " + command + ": " + frame.header("message"));
                    }
                }
            }
            int n = in.read(buffer);
            if (n < 0) {
                throw new EOFException("connection closed before " + command);
            }
            accept(buffer, n);
        }
    }

    private void startReader() {
        reader = new Thread(this::readLoop, "slow-stomp-client");
        reader.setDaemon(true);
        reader.start();
    }

    /** Reads a chunk, then waits long enough to stay at the configured rate (pacing, until {@link #drain}). */
    private void readLoop() {
        byte[] buffer = new byte[CHUNK];
        long pause = bytesPerSecond > 0 ? TimeUnit.SECONDS.toNanos(1) * CHUNK / bytesPerSecond : 0;
        try {
            socket.setSoTimeout(0);
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                if (!accept(buffer, n)) {
                    break;
                }
                if (!fast) {
                    LockSupport.parkNanos(pause);
                }
            }
        } catch (IOException e) {
            // reset by the server after its close: what was read is what arrived
        }
        closedByServer = true;
    }

    /** Appends bytes and parses every complete WebSocket frame; false once a close frame arrived. */
    private boolean accept(byte[] bytes, int length) throws IOException {
        if (pendingLength + length > pending.length) {
            pending = java.util.Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + length));
        }
        System.arraycopy(bytes, 0, pending, pendingLength, length);
        pendingLength += length;
        int at = 0;
        boolean open = true;
        while (pendingLength - at >= 2) {
            int b0 = pending[at] & 0xff;
            int b1 = pending[at + 1] & 0xff;
            if ((b1 & 0x80) != 0) {
                throw new IOException("server frames must not be masked");
            }
            int header = 2;
            long payload = b1 & 0x7f;
            if (payload == 126) {
                if (pendingLength - at < 4) {
                    break;
                }
                payload = ((pending[at + 2] & 0xff) << 8) | (pending[at + 3] & 0xff);
                header = 4;
            } else if (payload == 127) {
                if (pendingLength - at < 10) {
                    break;
                }
                payload = 0;
                for (int i = 2; i < 10; i++) {
                    payload = (payload << 8) | (pending[at + i] & 0xff);
                }
                header = 10;
            }
            if (pendingLength - at < header + payload) {
                break;
            }
            int opcode = b0 & 0x0f;
            if (opcode == 0x8) {
                open = false;
            } else if (opcode == 0x1 || opcode == 0x0) {
                message.write(pending, at + header, (int) payload);
                if ((b0 & 0x80) != 0) {
                    text.append(message.toString(StandardCharsets.UTF_8));
                    message.reset();
                    List<StompFrame> parsed = StompFrame.drain(text);
                    synchronized (frames) {
                        frames.addAll(parsed);
                    }
                }
            }
            at += header + (int) payload;
        }
        System.arraycopy(pending, at, pending, 0, pendingLength - at);
        pendingLength -= at;
        return open;
    }

    /**
     * Reads at full speed until the server has closed the connection (or {@code atMost} passed).
     *
     * @return every STOMP frame received on this connection, in order
     */
    public List<StompFrame> drain(Duration atMost) throws InterruptedException {
        fast = true;
        if (reader == null) {
            startReader();
        } else {
            LockSupport.unpark(reader);
        }
        reader.join(atMost.toMillis());
        return frames();
    }

    /** The frames read so far. */
    public List<StompFrame> frames() {
        synchronized (frames) {
            return List.copyOf(frames);
        }
    }

    /** Whether the server closed the connection (known once read up to the close). */
    public boolean closedByServer() {
        return closedByServer;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
