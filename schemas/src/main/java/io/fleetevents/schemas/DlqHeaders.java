package io.fleetevents.schemas;

/** Header names every app puts on a dead-lettered record, besides the record's own headers. UTF-8 strings. */
public final class DlqHeaders {

    /** The topic the bad record came from. */
    public static final String TOPIC = "dlq.source.topic";
    /** Its partition (decimal). */
    public static final String PARTITION = "dlq.source.partition";
    /** Its offset (decimal). */
    public static final String OFFSET = "dlq.source.offset";
    /** Why it was rejected: one line for people. */
    public static final String REASON = "dlq.reason";
    /** The exception class that rejected it. */
    public static final String EXCEPTION = "dlq.exception";
    /** Which app rejected it ({@code processor}, {@code broadcaster}, ...). */
    public static final String REJECTED_BY = "dlq.rejected.by";

    private DlqHeaders() {
    }
}
