package io.fleetevents.poller.cycle;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Orders the views of one agent key that reach Kafka from two paths, the poll cycle and Coder's pushes (watch
 * events, reads triggered by the build stream or a webhook), so that a late view never rolls state back.
 *
 * <p>Every view carries an id from {@link PollIds}: a cycle's views the id taken when the cycle started (their data
 * is at least that new: the listing is requested after), a pushed view the id current when it was received (its data
 * is at most that new). The processor ignores a snapshot whose {@code poll_id} is below the last one it accepted for
 * the key; the rules here keep the poller on the same side:
 *
 * <ol>
 *   <li><b>Monotonic per key.</b> A view is handed to Kafka only if its id is at least the id of the last view of the
 *       key handed over. One below it is dropped without being recorded by the change detector, exactly as the
 *       processor would drop it, so the detector never believes in a view the processor ignored; the next cycle
 *       (whose id is above every earlier one) compares again and writes whatever still differs. So a pushed view
 *       received before a cycle began never overwrites that cycle's listing, and a cycle's listing never overwrites a
 *       view pushed after the cycle began.</li>
 *   <li><b>Watched workspaces defer to their watch.</b> A watch delivers every change of its workspace in Coder's
 *       order. While one has been held since before a cycle began, that cycle's view of the workspace, where it
 *       differs from what was written, is not written: the watch's event for the change is on its way (the listing
 *       can see a change before the watch's event for it arrives, and writing the listing first would let that event,
 *       received later with a higher id, look newer than the listing's even newer data). If the next cycle still sees
 *       the same difference, the watch missed it and the cycle writes it. Refreshes of unchanged agents are not
 *       deferred.</li>
 * </ol>
 *
 * Decisions and sends of one key happen under {@link #lock(String)}, so the order in which views are handed to
 * Kafka is the order of these decisions (one producer, one partition per key).
 */
public final class SnapshotOrder {

    private final Object[] locks = new Object[256];
    private final Map<String, Long> lastHandedOver = new ConcurrentHashMap<>();
    private final Map<String, Long> deferred = new ConcurrentHashMap<>();
    private final Map<String, Instant> heldSince = new ConcurrentHashMap<>();

    public SnapshotOrder() {
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    /** The monitor under which a view of {@code key} is decided and handed to Kafka. */
    public Object lock(String key) {
        return locks[Math.floorMod(key.hashCode(), locks.length)];
    }

    /** Rule 1: whether a view of {@code key} with this id may be written. */
    public boolean admits(String key, long viewId) {
        Long last = lastHandedOver.get(key);
        return last == null || viewId >= last;
    }

    /** A view of {@code key} with this id was handed to Kafka. */
    public void handedOver(String key, long viewId) {
        lastHandedOver.merge(key, viewId, Math::max);
        deferred.remove(key);
    }

    /**
     * Rule 2: whether a cycle that began at {@code cycleStart} leaves this changed view of {@code key} (in workspace
     * {@code workspaceId}) to the workspace's watch. True the first time a difference is seen while the watch has
     * been held since before the cycle; false when no watch was held then, or when the previous cycle already
     * deferred the same difference ({@code fingerprint}).
     */
    public boolean deferToWatch(String workspaceId, String key, long fingerprint, Instant cycleStart) {
        Instant since = heldSince.get(workspaceId);
        if (since == null || !since.isBefore(cycleStart)) {
            deferred.remove(key);
            return false;
        }
        Long before = deferred.put(key, fingerprint);
        if (before != null && before == fingerprint) {
            deferred.remove(key);
            return false;
        }
        return true;
    }

    /** The workspace's watch delivered its first view at {@code since}: every later change reaches it. */
    public void watchHeld(String workspaceId, Instant since) {
        heldSince.putIfAbsent(workspaceId, since);
    }

    /** The workspace's watch ended: its changes are the poll's again. */
    public void watchLost(String workspaceId) {
        heldSince.remove(workspaceId);
    }

    /** Whether the workspace's watch is held now. */
    public boolean watchHeld(String workspaceId) {
        return heldSince.containsKey(workspaceId);
    }

    /**
     * After a complete cycle with id {@code pollId}: forgets keys it did not list, unless a view of theirs was
     * handed over at or after the cycle (a pushed view of an agent the listing did not have yet).
     */
    public void retainOnly(Set<String> present, long pollId) {
        lastHandedOver.entrySet().removeIf(e -> !present.contains(e.getKey()) && e.getValue() < pollId);
        deferred.keySet().retainAll(present);
    }
}
