package io.fleetevents.poller.coder;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Parses a {@code text/event-stream} body as it arrives, in chunks that may end anywhere (inside a line, inside a
 * UTF-8 character, between {@code \r} and {@code \n}). Lines end with {@code \n}, {@code \r\n} or {@code \r}; a blank
 * line dispatches the event. {@code event:} names it, {@code data:} lines are joined with {@code \n}, comments
 * ({@code :}) and other fields ({@code id}, {@code retry}) are ignored. Unlike a browser's EventSource, an event with a
 * type and no data is dispatched too: Coder's heartbeat is {@code event: ping} alone. Not thread-safe: one parser per
 * stream, fed in order.
 */
public final class SseParser {

    /** Receives dispatched events. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param type the {@code event:} field, {@code message} when absent
         * @param data the {@code data:} lines joined with {@code \n}; empty when there were none
         */
        void event(String type, String data);
    }

    /** An event larger than the parser accepts: the stream cannot be trusted further. */
    public static final class FrameTooLargeException extends RuntimeException {
        FrameTooLargeException(String message) {
            super(message);
        }
    }

    private final Listener listener;
    private final int maxEventBytes;
    private byte[] line = new byte[1024];
    private int lineLength;
    private boolean skipLf;
    private String type;
    private StringBuilder data;
    private int eventBytes;

    /** @param maxEventBytes largest event accepted (its lines together); a larger one throws {@link FrameTooLargeException} */
    public SseParser(Listener listener, int maxEventBytes) {
        this.listener = listener;
        this.maxEventBytes = maxEventBytes;
    }

    /** Feeds the next bytes of the body. */
    public void feed(ByteBuffer chunk) {
        while (chunk.hasRemaining()) {
            byte b = chunk.get();
            if (skipLf) {
                skipLf = false;
                if (b == '\n') {
                    continue;
                }
            }
            if (b == '\n' || b == '\r') {
                skipLf = b == '\r';
                endLine();
                continue;
            }
            if (lineLength == line.length) {
                if (eventBytes + lineLength >= maxEventBytes) {
                    throw new FrameTooLargeException("an event is larger than " + maxEventBytes + " bytes");
                }
                line = Arrays.copyOf(line, Math.min(Math.max(1024, line.length * 2), maxEventBytes + 1));
            }
            line[lineLength++] = b;
        }
    }

    /** Feeds bytes (tests). */
    public void feed(byte[] bytes) {
        feed(ByteBuffer.wrap(bytes));
    }

    private void endLine() {
        if (lineLength == 0) {
            dispatch();
            return;
        }
        eventBytes += lineLength;
        if (eventBytes > maxEventBytes) {
            throw new FrameTooLargeException("an event is larger than " + maxEventBytes + " bytes");
        }
        String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
        lineLength = 0;
        if (line.length > 64 * 1024) {
            // a big workspace passed: do not keep its buffer for every ping to come
            line = new byte[1024];
        }
        if (text.startsWith(":")) {
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> type = value;
            case "data" -> {
                if (data == null) {
                    data = new StringBuilder(value);
                } else {
                    data.append('\n').append(value);
                }
            }
            default -> {
                // id, retry and unknown fields carry nothing the poller uses
            }
        }
    }

    private void dispatch() {
        String eventType = type;
        StringBuilder eventData = data;
        type = null;
        data = null;
        eventBytes = 0;
        if (eventType == null && eventData == null) {
            return;
        }
        listener.event(eventType == null || eventType.isEmpty() ? "message" : eventType,
                eventData == null ? "" : eventData.toString());
    }
}
