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

    static String message(String escapedSubscriptionId, Delivery delivery, String token, String replayEarliest) {
        String json = delivery.json();
        StringBuilder b = new StringBuilder(json.length() + 320);
        b.append("MESSAGE\nsubscription:").append(escapedSubscriptionId)
                .append("\nmessage-id:").append(delivery.partition()).append('-').append(delivery.offset())
                .append("\ndestination:/topic/events\n").append(delivery.stompHeaders())
                .append("resume-token:").append(token).append('\n');
        if (replayEarliest != null) {
            b.append("replay-gap:true\nreplay-earliest:").append(replayEarliest).append('\n');
        }
        return b.append('\n').append(json).append('\0').toString();
    }
}
