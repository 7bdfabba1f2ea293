package io.fleetevents.schemas;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Deterministic event ids: a name-based UUID (RFC 9562 version 5, SHA-1) in the Fleet Events namespace, computed
 * from the inputs that define an event. Re-deriving the same event (after a restart, a replay, a rebalance)
 * yields the same id, so consumers de-duplicate on {@code event_id}.
 *
 * <p>The name is {@code deployment, event type, subject, discriminators...} joined with NUL characters, where the
 * subject is the agent key (or the capacity scope) and the discriminators are what makes this occurrence unique,
 * e.g. the Coder agent UUID and the transition, or the app status id.
 */
public final class EventIds {

    /** The namespace UUID of Fleet Events event ids (itself a v5 UUID of "fleet-events" in the URL namespace). */
    public static final UUID NAMESPACE = UUID.fromString("6b1c4a0e-43d4-5b0f-9d55-6e7c1f0a3b21");

    private EventIds() {
    }

    /** The id of an event defined by these parts; none may be null. */
    public static String of(String deployment, EventType type, String subject, String... discriminators) {
        StringBuilder name = new StringBuilder(96)
                .append(Validation.requireNonBlank(deployment, "deployment")).append('\0')
                .append(Validation.requireNonNull(type, "event_type").name()).append('\0')
                .append(Validation.requireNonBlank(subject, "subject"));
        for (String part : discriminators) {
            name.append('\0').append(Validation.requireNonNull(part, "discriminator"));
        }
        return nameBased(NAMESPACE, name.toString()).toString();
    }

    /** A version 5 (SHA-1) name-based UUID. */
    static UUID nameBased(UUID namespace, String name) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-1", e);
        }
        ByteBuffer ns = ByteBuffer.allocate(16)
                .putLong(namespace.getMostSignificantBits())
                .putLong(namespace.getLeastSignificantBits());
        sha1.update(ns.array());
        byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
        ByteBuffer bits = ByteBuffer.wrap(hash, 0, 16);
        return new UUID(bits.getLong(), bits.getLong());
    }
}
