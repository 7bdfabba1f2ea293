package io.fleetevents.poller.coder;

/**
 * The port to Coder's event streams ({@code text/event-stream}): a per-workspace watch, the build stream. One
 * request per stream, held open; what it sends is parsed by {@link SseParser} and handed to a {@link StreamListener}.
 */
public interface CoderStreams {

    /**
     * Opens {@code pathAndQuery} (e.g. {@code /api/v2/workspaces/<id>/watch}) as an event stream. Never blocks for
     * the response: the outcome arrives at {@code listener}, on an HTTP client thread.
     *
     * @param endpoint name of the endpoint in metrics ({@code watch}, {@code build-stream})
     */
    Subscription open(String endpoint, String pathAndQuery, StreamListener listener);

    /** An open (or opening) stream. */
    interface Subscription {
        /** Ends the stream; no callback follows. */
        void cancel();
    }

    /** What a stream reports, in this order: {@code opened}, then events, then {@code closed} once. */
    interface StreamListener {
        /** Coder answered 200 with an event stream. */
        void opened();

        /** One event (type {@code ping}, {@code data}, {@code error}, ...). */
        void event(String type, String data);

        /**
         * The stream ended or could not be opened.
         *
         * @param status the HTTP status when Coder answered something other than an event stream; 0 otherwise
         *               (the stream ended, the connection failed, a frame could not be parsed)
         * @param reason what happened, for logs (never contains the token)
         */
        void closed(int status, String reason);
    }
}
