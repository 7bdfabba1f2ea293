package io.fleetevents.broadcaster.stomp;

import io.fleetevents.broadcaster.fanout.Delivery;
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
                b.append(Delivery.escapeHeader(name)).append(':').append(Delivery.escapeHeader(value)).append('\n');
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
}
