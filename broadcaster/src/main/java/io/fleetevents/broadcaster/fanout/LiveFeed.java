package io.fleetevents.broadcaster.fanout;

import io.fleetevents.broadcaster.BroadcasterProperties;
import io.fleetevents.broadcaster.BroadcasterMetrics;
import io.fleetevents.schemas.EventRoute;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Kafka consumer of this instance: manual assignment of every partition of the events topic, no group,
 * starting at the end. Each record is decoded once, stamped with the position just after it and offered to the
 * {@link SubscriptionIndex}. Subscriptions never slow it down: transports only enqueue.
 */
public final class LiveFeed {

    private static final Logger log = LoggerFactory.getLogger(LiveFeed.class);

    private final KafkaClients clients;
    private final SubscriptionIndex index;
    private final BroadcasterMetrics metrics;
    private final BroadcasterProperties.Kafka config;
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile LivePosition position;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean running;
    private volatile long lastPollMillis;
    private volatile long lag = -1;
    private volatile String lastError;
    private Thread thread;

    public LiveFeed(KafkaClients clients, SubscriptionIndex index, BroadcasterMetrics metrics, BroadcasterProperties.Kafka config) {
        this.clients = clients;
        this.index = index;
        this.metrics = metrics;
        this.config = config;
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "fleet-events-live-feed");
        thread.setDaemon(true);
        thread.start();
    }

    public synchronized void stop() {
        running = false;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The live position, waiting up to {@code timeout} for the consumer to be assigned; null if not ready. */
    public LivePosition awaitPosition(Duration timeout) {
        try {
            ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return position;
    }

    public LivePosition position() {
        return position;
    }

    public KafkaClients clients() {
        return clients;
    }

    /** When the consumer last returned from a poll (epoch millis), 0 if never. */
    public long lastPollMillis() {
        return lastPollMillis;
    }

    /** Records on the topic not yet read, -1 when unknown. */
    public long lag() {
        return lag;
    }

    public String lastError() {
        return lastError;
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<byte[], byte[]> c = clients.consumer("fleet-events-broadcaster-live", 2000)) {
                consumer = c;
                consume(c);
            } catch (WakeupException e) {
                return;
            } catch (KafkaException | IllegalStateException e) {
                lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
                log.warn("live consumer failed, reconnecting in 1 s: {}", lastError);
                pause(1_000);
            } finally {
                consumer = null;
            }
        }
    }

    private void consume(KafkaConsumer<byte[], byte[]> c) {
        List<TopicPartition> partitions = List.of();
        while (running && partitions.isEmpty()) {
            partitions = clients.partitions(c, config.topicWait());
            if (partitions.isEmpty()) {
                lastError = "topic " + clients.topic() + " not found";
                log.warn("topic {} not found; waiting for it", clients.topic());
                pause(1_000);
            }
        }
        c.assign(partitions);
        LivePosition current = position;
        if (current == null) {
            c.seekToEnd(partitions);
            long[] start = new long[partitions.size()];
            for (TopicPartition tp : partitions) {
                start[tp.partition()] = c.position(tp);
            }
            position = new LivePosition(start);
            log.info("live feed on {} ({} partitions) starting at the end", clients.topic(), partitions.size());
        } else {
            // after a reconnect, continue exactly where the last consumer stopped
            for (TopicPartition tp : partitions) {
                if (tp.partition() < current.partitions()) {
                    c.seek(tp, current.claimed(tp.partition()));
                }
            }
        }
        lastError = null;
        ready.countDown();
        LivePosition live = position;
        long lastLagCheck = 0;
        while (running) {
            ConsumerRecords<byte[], byte[]> records = c.poll(config.pollTimeout());
            lastPollMillis = System.currentTimeMillis();
            for (ConsumerRecord<byte[], byte[]> record : records) {
                int p = record.partition();
                if (p >= live.partitions()) {
                    continue;
                }
                long next = record.offset() + 1;
                live.claim(p, next);
                if (record.value() != null) {
                    dispatch(record, live);
                }
                live.markDispatched(p, next);
            }
            for (TopicPartition tp : partitions) {
                live.advance(tp.partition(), c.position(tp));
            }
            if (lastPollMillis - lastLagCheck > 1_000) {
                lastLagCheck = lastPollMillis;
                long total = 0;
                for (TopicPartition tp : partitions) {
                    total += c.currentLag(tp).orElse(0);
                }
                lag = total;
            }
        }
    }

    private void dispatch(ConsumerRecord<byte[], byte[]> record, LivePosition live) {
        EventRoute route;
        try {
            route = clients.route(record.value());
        } catch (RuntimeException e) {
            metrics.poisonRecord();
            log.warn("skipping a record that is not an event at {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return;
        }
        Delivery delivery = new Delivery(record.partition(), record.offset(), route, record.value(), live.claimedSnapshot());
        index.dispatch(delivery);
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
