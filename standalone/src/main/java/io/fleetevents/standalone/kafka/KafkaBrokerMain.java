package io.fleetevents.standalone.kafka;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs only the broker, as its own process (used by the reliability harness, which must be able to kill and restart
 * Kafka): {@code java -cp fleet-events-standalone.jar -Dloader.main=... } or through the launcher's {@code kafka}
 * command. Arguments: data directory, client port, controller port.
 */
public final class KafkaBrokerMain {

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path dataDir = Path.of(args.length > 0 ? args[0] : ".fleet-events");
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 9092;
        int controllerPort = args.length > 2 ? Integer.parseInt(args[2]) : 9093;
        KraftBroker broker = KraftBroker.start(dataDir, port, controllerPort);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "kafka-broker-shutdown"));
        System.out.println("KAFKA_READY " + broker.bootstrapServers());
        stopped.await();
    }
}
