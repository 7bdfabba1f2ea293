package io.fleetevents.broadcaster.stomp;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Encodes the server's frames as text (STOMP 1.2; header values escaped). */
final class StompFrames {

    static final String HEARTBEAT = "\n";

    private StompFrames() {
    }

    static String frame(String command, Map<String, String> headers, String body) {
        StringBuilder b = new StringBuilder(128 + (body == null ? 0 : body.length()));
        b.append(command).append('\n');
        headers.forEach((name, value) -> {
            if (value != null) {
                b.append(escapeHeader(name)).append(':').append(escapeHeader(value)).append('\n');
            }
        });
        if (body != null) {
            b.append("content-type:text/plain;charset=utf-8\ncontent-length:")
                    .append(body.getBytes(StandardCharsets.UTF_8).length).append('\n');
        }
        b.append('\n');
        if (body != null) {
            b.append(body);
        }
        return b.append('\0').toString();
    }

    static byte[] frameBytes(String command, Map<String, String> headers, String body) {
        return frame(command, headers, body).getBytes(StandardCharsets.UTF_8);
    }

    /** STOMP 1.2 header value escaping. */
    static String escapeHeader(String value) {
        boolean plain = true;
        for (int i = 0; i < value.length() && plain; i++) {
            char c = value.charAt(i);
            plain = c != '\\' && c != ':' && c != '\n' && c != '\r';
        }
        if (plain) {
            return value;
        }
        StringBuilder b = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case ':' -> b.append("\\c");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
