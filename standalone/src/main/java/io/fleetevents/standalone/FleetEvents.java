package io.fleetevents.standalone;

import io.fleetevents.standalone.kafka.KafkaBrokerMain;
import io.fleetevents.standalone.kafka.PortInUseException;
import io.fleetevents.standalone.tail.TailCommand;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar fleet-events-standalone.jar [run|tail|kafka] [options]}: {@code run} (the default) starts the whole
 * stack; {@code tail} prints events from a running broadcaster; {@code kafka} runs only the embedded broker.
 */
public final class FleetEvents {

    private FleetEvents() {
    }

    public static void main(String[] args) throws InterruptedException {
        String command = args.length > 0 && !args[0].startsWith("--") ? args[0] : "run";
        String[] rest = args.length > 0 && !args[0].startsWith("--") ? Arrays.copyOfRange(args, 1, args.length) : args;
        switch (command) {
            case "run" -> run(rest);
            case "tail" -> TailCommand.main(rest);
            case "kafka" -> KafkaBrokerMain.main(rest);
            default -> {
                System.err.println("unknown command '" + command + "': use run, tail or kafka");
                System.exit(2);
            }
        }
    }

    private static void run(String[] args) throws InterruptedException {
        // Tomcat's per-WebSocket buffers default to 3 x 8 KiB; 2 KiB keeps idle connections cheap (a JVM-wide setting,
        // so the process that owns the JVM sets it, as the broadcaster's own main does).
        if (System.getProperty("org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE") == null) {
            System.setProperty("org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE", "2048");
        }
        StandaloneConfig config;
        try {
            config = StandaloneConfig.from(System.getenv(), args);
        } catch (IllegalArgumentException e) {
            System.err.println("fleet-events: bad configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        StandaloneStack stack;
        try {
            stack = StandaloneStack.start(config);
        } catch (PortInUseException e) {
            System.err.println("fleet-events: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping Fleet Events…");
            stack.close();
            stopped.countDown();
        }, "fleet-events-shutdown"));
        System.out.println(stack.banner());
        stopped.await();
    }
}
