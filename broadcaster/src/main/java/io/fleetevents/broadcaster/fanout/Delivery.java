package io.fleetevents.broadcaster.fanout;

import io.fleetevents.schemas.EventRoute;
import io.fleetevents.schemas.ResumeToken;
import java.nio.charset.StandardCharsets;

/**
 * One consumed event, shared by every subscriber it goes to: its route (the fields that decide who receives it),
 * its JSON exactly as on the topic,
 * its place in the topic and the read position just after it (the resume token stamped on it).
 */
public final class Delivery {

    private final int partition;
    private final long offset;
    private final EventRoute route;
    private final byte[] value;
    private final long[] positionsAfter;
    // built lazily; benign races: two threads may build equal values
    private String json;
    private String token;
    private byte[] tokenBytes;
    private byte[] stompHead;
    private byte[] stompBody;

    public Delivery(int partition, long offset, EventRoute route, byte[] value, long[] positionsAfter) {
        this.partition = partition;
        this.offset = offset;
        this.route = route;
        this.value = value;
        this.positionsAfter = positionsAfter;
    }

    /** The wire form of a position vector (index = partition). */
    public static String encode(long[] positions) {
        return ResumeToken.encode(positions);
    }

    public int partition() {
        return partition;
    }

    public long offset() {
        return offset;
    }

    public EventRoute route() {
        return route;
    }

    /** The event JSON as it was on the topic. */
    public String json() {
        String text = json;
        if (text == null) {
            text = new String(value, StandardCharsets.UTF_8);
            json = text;
        }
        return text;
    }

    /** The read position just after this event; do not modify. */
    public long[] positionsAfter() {
        return positionsAfter;
    }

    /** The resume token of this event for a subscriber that is live (or replaying from the same reader). */
    public String token() {
        String text = token;
        if (text == null) {
            text = encode(positionsAfter);
            token = text;
        }
        return text;
    }

    /** {@link #token()} as ASCII bytes; do not modify. */
    public byte[] tokenBytes() {
        byte[] bytes = tokenBytes;
        if (bytes == null) {
            bytes = token().getBytes(StandardCharsets.US_ASCII);
            tokenBytes = bytes;
        }
        return bytes;
    }

    /**
     * The part of a STOMP {@code MESSAGE} frame that is the same for every subscriber, from the end of the
     * {@code subscription} header value up to {@code resume-token:} (UTF-8; do not modify): {@code message-id},
     * {@code destination}, {@code content-type}, {@code event-type}, {@code severity}, {@code event-id},
     * {@code content-length}. Built once per event.
     */
    public byte[] stompHead() {
        byte[] bytes = stompHead;
        if (bytes == null) {
            StringBuilder b = new StringBuilder(200);
            b.append("\nmessage-id:").append(partition).append('-').append(offset)
                    .append("\ndestination:/topic/events\ncontent-type:application/json\nevent-type:")
                    .append(route.eventType().name()).append("\nseverity:").append(route.severity().name()).append('\n');
            if (route.eventId() != null) {
                b.append("event-id:").append(escapeHeader(route.eventId())).append('\n');
            }
            b.append("content-length:").append(value.length).append("\nresume-token:");
            bytes = b.toString().getBytes(StandardCharsets.UTF_8);
            stompHead = bytes;
        }
        return bytes;
    }

    /** The end of a STOMP {@code MESSAGE} frame: blank line, the event JSON exactly as on the topic, NUL. */
    public byte[] stompBody() {
        byte[] bytes = stompBody;
        if (bytes == null) {
            bytes = new byte[value.length + 2];
            bytes[0] = '\n';
            System.arraycopy(value, 0, bytes, 1, value.length);
            bytes[bytes.length - 1] = 0;
            stompBody = bytes;
        }
        return bytes;
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
