package io.fleetevents.broadcaster.fanout;

import io.fleetevents.schemas.EventRoute;
import io.fleetevents.schemas.ResumeToken;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * One consumed event, shared by every subscriber it goes to: its route (the fields that decide who receives it),
 * its JSON exactly as on the topic, its place in the topic and the read position just after it (the resume token
 * stamped on it). Transports keep their wire form of it here ({@link #encoded}), built once per event whatever the
 * number of subscribers.
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
    private volatile AtomicReferenceArray<Object> encodings;

    public Delivery(int partition, long offset, EventRoute route, byte[] value, long[] positionsAfter) {
        this.partition = partition;
        this.offset = offset;
        this.route = route;
        this.value = value;
        this.positionsAfter = positionsAfter;
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

    /** The event JSON as it was on the topic, UTF-8; do not modify. */
    public byte[] value() {
        return value;
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
            text = ResumeToken.encode(positionsAfter);
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

    /** This event in {@code encoding}'s form: built on first use, then shared by every subscriber; do not modify. */
    @SuppressWarnings("unchecked")
    public <T> T encoded(Encoding<T> encoding) {
        AtomicReferenceArray<Object> cache = encodings;
        if (cache == null) {
            // two threads may each install an array; values cached in the losing one are only built again
            cache = new AtomicReferenceArray<>(Encoding.MAX);
            encodings = cache;
        }
        Object value = cache.get(encoding.slot);
        if (value == null) {
            value = encoding.encoder.apply(this);
            cache.set(encoding.slot, value);
        }
        return (T) value;
    }

    /**
     * A transport's per-event wire form (e.g. the parts of a frame that are the same for every subscriber). Create
     * one constant per form; each takes one of {@value #MAX} slots of every delivery.
     */
    public static final class Encoding<T> {

        static final int MAX = 8;
        private static final AtomicInteger SLOTS = new AtomicInteger();

        private final int slot;
        private final Function<Delivery, T> encoder;

        private Encoding(int slot, Function<Delivery, T> encoder) {
            this.slot = slot;
            this.encoder = encoder;
        }

        public static <T> Encoding<T> of(Function<Delivery, T> encoder) {
            int slot = SLOTS.getAndIncrement();
            if (slot >= MAX) {
                throw new IllegalStateException("at most " + MAX + " delivery encodings; keep them in constants");
            }
            return new Encoding<>(slot, encoder);
        }
    }
}
