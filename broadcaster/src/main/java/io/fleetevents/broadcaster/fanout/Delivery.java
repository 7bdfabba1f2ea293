package io.fleetevents.broadcaster.fanout;

import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.ResumeToken;
import java.nio.charset.StandardCharsets;
import java.util.TreeMap;

/**
 * One consumed event, shared by every subscriber it goes to: the decoded event, its JSON exactly as on the topic,
 * its place in the topic and the read position just after it (the resume token stamped on it).
 */
public final class Delivery {

    private final int partition;
    private final long offset;
    private final EventNotification event;
    private final String json;
    private final long[] positionsAfter;
    private final String token;
    private String stompHeaders;

    public Delivery(int partition, long offset, EventNotification event, byte[] value, long[] positionsAfter) {
        this.partition = partition;
        this.offset = offset;
        this.event = event;
        this.json = new String(value, StandardCharsets.UTF_8);
        this.positionsAfter = positionsAfter;
        this.token = encode(positionsAfter);
    }

    /** The wire form of a position vector (index = partition). */
    public static String encode(long[] positions) {
        TreeMap<Integer, Long> map = new TreeMap<>();
        for (int p = 0; p < positions.length; p++) {
            map.put(p, positions[p]);
        }
        return new ResumeToken(map).encode();
    }

    public int partition() {
        return partition;
    }

    public long offset() {
        return offset;
    }

    public EventNotification event() {
        return event;
    }

    /** The event JSON as it was on the topic. */
    public String json() {
        return json;
    }

    /** The read position just after this event; do not modify. */
    public long[] positionsAfter() {
        return positionsAfter;
    }

    /** The resume token of this event for a subscriber that is live (or replaying from the same reader). */
    public String token() {
        return token;
    }

    /**
     * The STOMP headers that are the same for every subscriber ({@code content-type}, {@code event-type},
     * {@code severity}, {@code event-id}), built once. Benign race: two threads may build equal strings.
     */
    public String stompHeaders() {
        String headers = stompHeaders;
        if (headers == null) {
            StringBuilder b = new StringBuilder(160);
            b.append("content-type:application/json\nevent-type:").append(event.eventType().name())
                    .append("\nseverity:").append(event.severity().name()).append('\n');
            if (event.eventId() != null) {
                b.append("event-id:").append(escapeHeader(event.eventId())).append('\n');
            }
            b.append("content-length:").append(json.getBytes(StandardCharsets.UTF_8).length).append('\n');
            headers = b.toString();
            stompHeaders = headers;
        }
        return headers;
    }

    /** STOMP 1.2 header value escaping. */
    public static String escapeHeader(String value) {
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
