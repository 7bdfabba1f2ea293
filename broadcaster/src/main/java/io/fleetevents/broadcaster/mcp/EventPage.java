package io.fleetevents.broadcaster.mcp;

import java.util.List;

/**
 * One answer of {@code wait_for_events} or {@code list_events}.
 *
 * @param eventsJson    the events, each exactly as on the topic
 * @param cursor        the resume token to pass next time: after the last returned event, or (no event) as far as
 *                      this call scanned — never past an event that matched and was not returned
 * @param hasMore       the page was cut at its limit: more matching events may be waiting, call again at once
 * @param gapEarliest   non-null when retention had already deleted part of the range: the earliest position held
 */
record EventPage(List<String> eventsJson, String cursor, boolean hasMore, String gapEarliest) {
}
