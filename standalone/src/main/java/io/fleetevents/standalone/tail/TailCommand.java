package io.fleetevents.standalone.tail;

import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.FleetJson;
import java.io.PrintStream;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.List;
import org.springframework.messaging.converter.CompositeMessageConverter;
import org.springframework.messaging.converter.JacksonJsonMessageConverter;
import org.springframework.messaging.converter.StringMessageConverter;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;

/**
 * Prints matching events live, one line each (or JSON lines). After a dropped connection it reconnects and resumes
 * from the resume token of the last printed event, so the output has no gap and no repeat. On exit it prints the
 * last resume token to stderr, for {@code --resume} next time.
 */
public final class TailCommand {

    private final TailOptions options;
    private final PrintStream out;
    private final PrintStream err;
    private volatile String lastResumeToken;
    private volatile String fatalError;

    public TailCommand(TailOptions options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
        this.lastResumeToken = options.resume();
    }

    /** Entry point: {@code tail [options]}. Exits 2 on bad options, 1 on a refused subscription. */
    public static void main(String[] args) throws InterruptedException {
        TailOptions options;
        try {
            options = TailOptions.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("tail: " + e.getMessage());
            System.exit(2);
            return;
        }
        TailCommand command = new TailCommand(options, System.out, System.err);
        Runtime.getRuntime().addShutdownHook(new Thread(command::printResumeHint, "tail-resume-hint"));
        System.exit(command.run());
    }

    /** Runs until the server refuses the subscription (returns 1) or the thread is interrupted (returns 0). */
    public int run() throws InterruptedException {
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.setThreadNamePrefix("tail-heartbeat-");
        scheduler.initialize();
        WebSocketStompClient client = new WebSocketStompClient(new StandardWebSocketClient());
        // Events are JSON; ERROR frames are text.
        client.setMessageConverter(new CompositeMessageConverter(List.of(
                new JacksonJsonMessageConverter(FleetJson.mapper()), new StringMessageConverter())));
        client.setTaskScheduler(scheduler);
        client.setDefaultHeartbeat(new long[] {10_000, 10_000});
        Duration backoff = Duration.ofMillis(500);
        try {
            while (!Thread.currentThread().isInterrupted()) {
                CountDownLatch closed = new CountDownLatch(1);
                StompHeaders connect = new StompHeaders();
                connect.setPasscode(options.token());
                try {
                    client.connectAsync(options.url().toString(), new WebSocketHttpHeaders(), connect, new Handler(closed))
                            .get(15, TimeUnit.SECONDS);
                    backoff = Duration.ofMillis(500);
                    closed.await();
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    err.println("tail: cannot connect to " + options.url() + ": " + rootMessage(e) + "; retrying in " + backoff.toMillis() + " ms");
                }
                if (fatalError != null) {
                    err.println("tail: " + fatalError);
                    return 1;
                }
                Thread.sleep(backoff.toMillis()); // reconnect backoff, not a test wait
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10) : backoff.multipliedBy(2);
            }
            return 0;
        } finally {
            client.stop();
            scheduler.shutdown();
        }
    }

    /** The resume token of the last printed event, or the one given with {@code --resume}. */
    public String lastResumeToken() {
        return lastResumeToken;
    }

    private void printResumeHint() {
        if (lastResumeToken != null) {
            err.println("tail: to continue after the last event: --resume " + lastResumeToken);
        }
    }

    private StompHeaders subscribeHeaders() {
        StompHeaders headers = new StompHeaders();
        headers.setDestination("/topic/events");
        if (!options.filter().eventTypes().isEmpty()) {
            headers.set("event-types", options.filter().eventTypes().stream().map(Enum::name).collect(Collectors.joining(",")));
        }
        if (!options.filter().agentIds().isEmpty()) {
            headers.set("agent-ids", String.join(",", options.filter().agentIds()));
        }
        if (options.filter().severityMin() != null) {
            headers.set("severity-min", options.filter().severityMin().name());
        }
        if (lastResumeToken != null) {
            headers.set("resume-token", lastResumeToken);
        } else if (options.from() != null) {
            headers.set("replay-from", options.from());
        }
        return headers;
    }

    private void print(EventNotification event) {
        if (options.json()) {
            out.println(FleetJson.mapper().writeValueAsString(event));
            return;
        }
        String who = event.agent() != null && event.agent().path() != null ? event.agent().path()
                : String.valueOf(event.metadata().getOrDefault("scope", event.agentKey()));
        out.println(event.timestamp() + " " + pad(event.severity().name(), 8) + " " + pad(event.eventType().name(), 18)
                + " " + who + "  " + event.message());
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /**
     * Session events. An ERROR frame that carries a resume token is the server dropping a slow client: reconnect and
     * resume from the last printed event. Any other ERROR (bad token, bad filter) is final.
     */
    private final class Handler extends StompSessionHandlerAdapter {
        private final CountDownLatch closed;

        Handler(CountDownLatch closed) {
            this.closed = closed;
        }

        @Override
        public void afterConnected(StompSession session, StompHeaders connectedHeaders) {
            session.subscribe(subscribeHeaders(), new Events());
        }

        @Override
        public Type getPayloadType(StompHeaders headers) {
            return String.class;
        }

        @Override
        public void handleFrame(StompHeaders headers, Object payload) {
            String message = headers.getFirst("message");
            if (headers.getFirst("resume-token") != null) {
                err.println("tail: server dropped this connection (" + message + "); resuming");
            } else {
                fatalError = message != null ? message : "the server refused the subscription";
            }
        }

        @Override
        public void handleException(StompSession session, StompCommand command, StompHeaders headers, byte[] payload, Throwable exception) {
            err.println("tail: " + exception.getMessage());
        }

        @Override
        public void handleTransportError(StompSession session, Throwable exception) {
            if (fatalError == null) {
                err.println("tail: connection lost (" + rootMessage(exception) + "); resuming"
                        + (lastResumeToken == null ? "" : " after " + lastResumeToken));
            }
            closed.countDown();
        }
    }

    /** MESSAGE frames of the subscription. */
    private final class Events extends StompSessionHandlerAdapter {
        @Override
        public Type getPayloadType(StompHeaders headers) {
            return EventNotification.class;
        }

        @Override
        public void handleFrame(StompHeaders headers, Object payload) {
            print((EventNotification) payload);
            String resume = headers.getFirst("resume-token");
            if (resume != null) {
                lastResumeToken = resume;
            }
        }
    }
}
