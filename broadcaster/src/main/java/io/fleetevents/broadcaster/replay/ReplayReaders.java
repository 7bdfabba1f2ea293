package io.fleetevents.broadcaster.replay;

import io.fleetevents.broadcaster.BroadcasterProperties;
import io.fleetevents.broadcaster.fanout.Delivery;
import io.fleetevents.broadcaster.fanout.HeaderPrefilter;
import io.fleetevents.broadcaster.fanout.KafkaClients;
import io.fleetevents.broadcaster.fanout.LivePosition;
import io.fleetevents.broadcaster.fanout.Subscription;
import io.fleetevents.broadcaster.BroadcasterMetrics;
import io.fleetevents.schemas.EventRoute;
import io.fleetevents.schemas.ResumeToken;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs replays: each on a pooled thread with that thread's consumer (assign + seek, no group), reading from the start
 * position to the live position, filtering and scoping each event, then handing the subscription to the live
 * stream. At most {@code maxConcurrent} run at once; others queue. No cap on how far back, within retention.
 * A thread keeps its consumer between replays (a short replay, such as an MCP {@code list_events} page, would
 * otherwise spend most of its time creating one): at most {@code maxConcurrent} consumers, closed with the pool or
 * after a failure.
 */
public final class ReplayReaders {

    private static final Logger log = LoggerFactory.getLogger(ReplayReaders.class);

    private final KafkaClients clients;
    private final BroadcasterMetrics metrics;
    private final Duration pollTimeout;
    private final ExecutorService pool;
    /** The consumer of the current replay thread; only that thread touches it. */
    private final ThreadLocal<KafkaConsumer<byte[], byte[]>> consumers = new ThreadLocal<>();

    public ReplayReaders(KafkaClients clients, BroadcasterMetrics metrics, BroadcasterProperties.Replay config) {
        this.clients = clients;
        this.metrics = metrics;
        this.pollTimeout = config.pollTimeout();
        AtomicInteger count = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(config.maxConcurrent(), r -> {
            Thread t = new Thread(() -> {
                try {
                    r.run();
                } finally {
                    discardConsumer();
                }
            }, "fleet-events-replay-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts {@code subscription} from {@code start}. A live start, or a token already at or past the live
     * position, goes live at once without a reader. The subscription must already be in the index.
     */
    public void start(Subscription subscription, ReplayStart start, LivePosition live) {
        if (start.isLive()) {
            subscription.goLiveNow();
            return;
        }
        if (start.token() != null) {
            long[] position = new long[live.partitions()];
            boolean complete = true;
            for (int p = 0; p < position.length; p++) {
                position[p] = start.token().nextOffset(p);
                complete &= position[p] >= 0;
            }
            if (complete) {
                subscription.startAt(position);
                if (subscription.goLiveIfCaughtUp(position)) {
                    return;
                }
            }
        }
        metrics.replayStarted();
        try {
            pool.execute(() -> run(subscription, start, live));
        } catch (RejectedExecutionException e) {
            subscription.target().replayFailed(subscription, "the server is shutting down");
        }
    }

    public void shutdown() {
        pool.shutdownNow();
    }

    private void run(Subscription subscription, ReplayStart start, LivePosition live) {
        if (subscription.isClosed()) {
            return;
        }
        try {
            KafkaConsumer<byte[], byte[]> consumer = consumer();
            List<TopicPartition> partitions = clients.partitions(consumer, Duration.ofSeconds(10));
            partitions = partitions.stream().filter(tp -> tp.partition() < live.partitions()).toList();
            consumer.assign(partitions);
            long[] position = startPosition(consumer, partitions, start, subscription, live.partitions());
            subscription.startAt(position);
            for (TopicPartition tp : partitions) {
                consumer.seek(tp, position[tp.partition()]);
            }
            while (!subscription.isClosed() && !subscription.goLiveIfCaughtUp(position)) {
                if (!subscription.target().awaitRoom()) {
                    return;
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout);
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    int p = record.partition();
                    position[p] = record.offset() + 1;
                    if (record.value() != null && !offer(subscription, record, position)) {
                        return;
                    }
                }
                for (TopicPartition tp : partitions) {
                    position[tp.partition()] = Math.max(position[tp.partition()], consumer.position(tp));
                }
                subscription.replayProgress(position);
            }
        } catch (KafkaException | IllegalStateException e) {
            discardConsumer();
            log.warn("replay for subscription {} failed: {}", subscription.id(), e.getMessage());
            subscription.target().replayFailed(subscription, "replay failed: " + e.getMessage());
        } catch (RuntimeException | Error e) {
            discardConsumer();
            throw e;
        } finally {
            releaseConsumer();
        }
    }

    /** Nothing of a replay stays assigned or buffered for the next one on this thread. */
    private void releaseConsumer() {
        KafkaConsumer<byte[], byte[]> consumer = consumers.get();
        if (consumer != null) {
            try {
                consumer.assign(List.of());
            } catch (RuntimeException e) {
                discardConsumer();
            }
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        KafkaConsumer<byte[], byte[]> consumer = consumers.get();
        if (consumer == null) {
            consumer = clients.consumer("fleet-events-broadcaster-replay", 500);
            consumers.set(consumer);
        }
        return consumer;
    }

    private void discardConsumer() {
        KafkaConsumer<byte[], byte[]> consumer = consumers.get();
        consumers.remove();
        if (consumer != null) {
            try {
                consumer.close(Duration.ZERO);
            } catch (RuntimeException e) {
                log.debug("closing a replay consumer: {}", e.getMessage());
            }
        }
    }

    /** Offers one record; false when the subscription's target is gone. */
    private boolean offer(Subscription subscription, ConsumerRecord<byte[], byte[]> record, long[] position) {
        if (!HeaderPrefilter.mayMatch(subscription.filter(), record.headers())) {
            return true;
        }
        EventRoute route;
        try {
            route = clients.route(record.value());
        } catch (RuntimeException e) {
            metrics.poisonRecord();
            return true;
        }
        if (!subscription.filter().matches(route)) {
            return true;
        }
        if (!subscription.scope().permits(route)) {
            metrics.scopeRefused();
            return true;
        }
        // paced by the client: wait for room before each event, outside the subscription's lock (cheap unless full)
        if (!subscription.target().awaitRoom()) {
            return false;
        }
        if (subscription.deliverReplayed(new Delivery(record.partition(), record.offset(), route, record.value(), position.clone()))) {
            metrics.replayed();
        }
        return true;
    }

    private long[] startPosition(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
                                 ReplayStart start, Subscription subscription, int partitionCount) {
        Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions);
        long[] position = new long[partitionCount];
        if (start.earliest()) {
            beginning.forEach((tp, offset) -> position[tp.partition()] = offset);
            return position;
        }
        if (start.from() != null) {
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(tp -> query.put(tp, start.from().toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp at = found.get(tp);
                position[tp.partition()] = at == null ? end.get(tp) : at.offset();
            }
            return position;
        }
        boolean gap = false;
        for (TopicPartition tp : partitions) {
            long wanted = start.token().nextOffset(tp.partition());
            long earliest = beginning.get(tp);
            if (wanted < earliest) {
                gap = true;
            }
            position[tp.partition()] = Math.max(Math.max(wanted, 0), earliest);
        }
        if (gap) {
            long[] earliest = new long[partitionCount];
            beginning.forEach((tp, offset) -> earliest[tp.partition()] = offset);
            subscription.replayGap(ResumeToken.encode(earliest));
        }
        return position;
    }
}
