package io.fleetevents.processor.bench;

import io.fleetevents.processor.ProcessorConfig;
import io.fleetevents.processor.snapshot.SnapshotReader;
import io.fleetevents.processor.topology.ProcessorTopology;
import io.fleetevents.processor.topology.StreamsSettings;
import io.fleetevents.processor.topology.TopologyListener;
import io.fleetevents.testing.KafkaTestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;

/**
 * The processor benchmark. On a real broker (KAFKA_BOOTSTRAP_SERVERS — preferably a broker in its own process, so it
 * does not share this JVM's heap, GC and JIT — else Testcontainers, else an embedded KRaft broker in this JVM) it:
 * <ol>
 *   <li>pre-loads {@code bench.records} realistic snapshots (~4 KB, zstd, 6 partitions);</li>
 *   <li>warms up both paths alike ({@code bench.warmup-rounds} (3) runs of each on a separate input of
 *       {@code bench.warmup} (100000) records), so neither is measured cold;</li>
 *   <li>runs {@code bench.rounds} (5) measured rounds, each reading the same input with a plain
 *       {@code KafkaConsumer} (bytes, no processing, one consumer seeking back for repeated passes until it has
 *       spent {@code bench.plain-min-seconds} (5) reading, timed while reading) and with the real topology (the
 *       configured guarantee, exactly_once_v2 by default; rate from committed offsets), the order rotating every
 *       round; prints each round's ratio, its benchmark-JVM CPU per record, and the median ratio — the figure;</li>
 *   <li>in the same rounds, unless {@code bench.floors=false}, four references on the same input: a plain consumer
 *       that also runs {@link SnapshotReader} on every value, and the {@link FloorTopologies} (Streams with the
 *       same settings but none of the processor's work; then with the required store write and outputs, without and
 *       with reading the snapshot) — the ratios those reach bound what any implementation of the design reaches on
 *       this machine;</li>
 *   <li>feeds a fresh topology at {@code bench.rate} snapshots/s for {@code bench.seconds} and measures
 *       snapshot→event latency (producer CreateTime to receipt by a read_committed consumer) p50/p99/max.</li>
 * </ol>
 * {@code bench.variants} ("default", or several {@code k=v,...} Streams-property sets separated by {@code |}) runs
 * each variant in every round and in the latency phase: an A/B comparison within one run on this noisy machine.
 * Other properties: {@code bench.agents} (2000), {@code bench.guarantee}, {@code bench.threads},
 * {@code bench.overrides} (applied to every topology run).
 */
public final class ProcessorBenchmark {

    private static final int PARTITIONS = 6;

    private final String bootstrap;
    private final String guarantee;
    private final SnapshotReader reader = new SnapshotReader();
    /** Passes over the input the last plain-consumer measurement made (its CPU is divided by them). */
    private int lastPlainPasses = 1;

    private ProcessorBenchmark(String bootstrap, String guarantee) {
        this.bootstrap = bootstrap;
        this.guarantee = guarantee;
    }

    public static void main(String[] args) throws Exception {
        long records = Long.getLong("bench.records", 200_000);
        int agents = Integer.getInteger("bench.agents", 2_000);
        int rate = Integer.getInteger("bench.rate", 5_000);
        int seconds = Integer.getInteger("bench.seconds", 20);
        String guarantee = System.getProperty("bench.guarantee", "exactly_once_v2");
        String bootstrap = KafkaTestBroker.bootstrapServers();
        ProcessorBenchmark bench = new ProcessorBenchmark(bootstrap, guarantee);
        SnapshotWorkload workload = new SnapshotWorkload("bench", agents);
        System.out.printf(Locale.ROOT, "%nworkload: %d agents, average snapshot %d bytes, %d records, guarantee %s%n",
                agents, workload.averageBytes(), records, guarantee);

        String input = KafkaTestBroker.uniqueTopic("bench-snapshots");
        KafkaTestBroker.createTopic(input, PARTITIONS, Map.of("compression.type", "producer"));
        long loadStart = System.nanoTime();
        bench.produce(input, workload, 0, records, 0);
        System.out.printf(Locale.ROOT, "pre-loaded %d snapshots in %.1f s%n", records, secondsSince(loadStart));

        // Warm-up (JIT, connections, broker caches): both paths alike, bench.warmup-rounds times each, on a
        // separate input, so neither is measured cold.
        long warmRecords = Long.getLong("bench.warmup", 100_000);
        int warmRounds = Integer.getInteger("bench.warmup-rounds", 3);
        if (warmRecords > 0 && warmRounds > 0) {
            String warm = KafkaTestBroker.uniqueTopic("bench-warmup");
            KafkaTestBroker.createTopic(warm, PARTITIONS, Map.of("compression.type", "producer"));
            bench.produce(warm, workload, records, warmRecords, 0);
            for (int w = 0; w < warmRounds; w++) {
                Measured c = bench.measure(() -> bench.plainConsumerRate(warm, warmRecords, false));
                Measured t = bench.measure(() -> bench.topologyRate(warm, warmRecords, overrides(""),
                        ProcessorTopology::build));
                System.out.printf(Locale.ROOT, "warm-up %d (not counted): plain %,.0f/s, topology %,.0f/s%n",
                        w + 1, c.rate(), t.rate());
            }
        }

        // Measured rounds: the plain consumer, each topology variant and the references run one after the other on
        // the same input, the order rotating every round; each round's ratio pairs runs minutes apart at most, and
        // the median over the rounds is the figure. Variants: -Dbench.variants="default|producer.linger.ms=5,..."
        // (same-run A/B). References (-Dbench.floors=false to skip): a consumer that only parses, and the
        // FloorTopologies — what Streams with the required guarantee, store and outputs costs without our code.
        String[] variants = System.getProperty("bench.variants", "default").split("\\|");
        int rounds = Integer.getInteger("bench.rounds", 5);
        List<String> names = new ArrayList<>();
        List<Run> runs = new ArrayList<>();
        names.add("plain");
        runs.add(() -> bench.plainConsumerRate(input, records, false));
        for (String variant : variants) {
            names.add(variant);
            runs.add(() -> bench.topologyRate(input, records, overrides(variant), ProcessorTopology::build));
        }
        int references = 0;
        if (Boolean.parseBoolean(System.getProperty("bench.floors", "true"))) {
            String floorOutput = KafkaTestBroker.newTopic("bench-floor-events", PARTITIONS);
            names.add("reference: consumer + SnapshotReader only");
            runs.add(() -> bench.plainConsumerRate(input, records, true));
            names.add("reference: Streams, empty processor");
            runs.add(() -> bench.topologyRate(input, records, overrides(""),
                    c -> FloorTopologies.passthrough(input)));
            names.add("reference: Streams, store + 3/8 outputs, no parsing");
            runs.add(() -> bench.topologyRate(input, records, overrides(""),
                    c -> FloorTopologies.requiredShape(input, floorOutput, false)));
            names.add("reference: Streams, SnapshotReader + store + 3/8 outputs");
            runs.add(() -> bench.topologyRate(input, records, overrides(""),
                    c -> FloorTopologies.requiredShape(input, floorOutput, true)));
            references = 4;
            if (Boolean.getBoolean("bench.floor-idle-topic")) {
                String idle = KafkaTestBroker.newTopic("bench-floor-idle", PARTITIONS);
                names.add("reference: as above + an idle second topic");
                runs.add(() -> bench.topologyRate(input, records, overrides(""),
                        c -> FloorTopologies.requiredShape(input, floorOutput, true, idle)));
                references = 5;
            }
        }
        int paths = names.size();
        double[] plainRates = new double[rounds];
        double[][] rates = new double[paths][rounds];
        double[][] ratios = new double[paths][rounds];
        double[][] cpuRatios = new double[paths][rounds];
        for (int r = 0; r < rounds; r++) {
            Measured[] m = new Measured[paths];
            for (int k = 0; k < paths; k++) {
                int path = (k + r) % paths;
                m[path] = bench.measure(runs.get(path));
            }
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                    "round %d (load %.1f): plain %,.0f/s (%.1f us cpu/rec)", r + 1,
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                    m[0].rate(), m[0].cpuMicrosPerRecord(records)));
            plainRates[r] = m[0].rate();
            for (int p = 1; p < paths; p++) {
                Measured t = m[p];
                rates[p][r] = t.rate();
                ratios[p][r] = t.rate() / m[0].rate();
                cpuRatios[p][r] = t.cpuMicrosPerRecord(records) / m[0].cpuMicrosPerRecord(records);
                line.append(String.format(Locale.ROOT, "; [%s] %,.0f/s (%.1f us cpu/rec) ratio %.2f", names.get(p),
                        t.rate(), t.cpuMicrosPerRecord(records), ratios[p][r]));
            }
            System.out.println(line);
        }
        System.out.printf(Locale.ROOT, "plain KafkaConsumer median: %,10.0f snapshots/s%n", median(plainRates));
        for (int p = 1; p < paths; p++) {
            boolean reference = p >= paths - references;
            System.out.printf(Locale.ROOT, "%s [%s] median: %,10.0f snapshots/s%n",
                    reference ? "reference" : "topology (" + guarantee + ")", names.get(p), median(rates[p]));
            System.out.printf(Locale.ROOT, "%s [%s] / plain consumer = %.2f median of %d rounds (min %.2f, max %.2f%s);"
                            + " benchmark-JVM CPU per record / plain = %.1fx%n", reference ? "ratio" : "RATIO",
                    names.get(p), median(ratios[p]), rounds, Arrays.stream(ratios[p]).min().orElse(0),
                    Arrays.stream(ratios[p]).max().orElse(0), reference ? "" : "; target >= 0.70",
                    median(cpuRatios[p]));
        }
        System.out.println();

        if (seconds <= 0) {
            System.exit(0);
        }
        for (String variant : variants) {
            long[] latencies = bench.latency(workload, rate, seconds, overrides(variant));
            System.out.printf(Locale.ROOT, "latency [%s] at %,d snapshots/s for %d s (%d events after warm-up): "
                            + "p50 %d ms, p99 %d ms, max %d ms (target p99 <= 200 ms), load %.1f%n", variant, rate,
                    seconds, latencies.length, percentile(latencies, 50), percentile(latencies, 99),
                    latencies.length == 0 ? -1 : latencies[latencies.length - 1],
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
        System.exit(0);
    }

    private void produce(String topic, SnapshotWorkload workload, long from, long count, int ratePerSecond)
            throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps(ratePerSecond > 0))) {
            long start = System.nanoTime();
            for (long i = from; i < from + count; i++) {
                if (ratePerSecond > 0) {
                    long wait = start + (i - from) * 1_000_000_000L / ratePerSecond - System.nanoTime();
                    if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                }
                producer.send(new ProducerRecord<>(topic, workload.key(i), workload.value(i)));
            }
            producer.flush();
        }
    }

    /**
     * Reads {@code records} from the beginning as bytes, in passes, until it has spent at least
     * {@code bench.plain-min-seconds} (5) reading: a single fast pass lasts under a second and a scheduler hiccup would
     * decide its rate. The clock runs from a pass's first record to its last: ~0.4 s went by between passes (most
     * likely the fetch sent at the end of the log, parked at the broker up to {@code fetch.max.wait.ms}, delaying
     * the first fetch after the seek) — time a consumer reading a longer log never pays, which held 100,000-record
     * passes at ~130,000 /s and 200,000-record ones at ~197,000 /s against a steady ~314,000 /s.
     */
    private double plainConsumerRate(String topic, long records, boolean parse) {
        long minNanos = (long) (Double.parseDouble(System.getProperty("bench.plain-min-seconds", "5")) * 1e9);
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            consumer.assign(partitions);
            long total = 0;
            long reading = 0;
            do {
                consumer.seekToBeginning(partitions);
                long seen = 0;
                long bytes = 0;
                long first = 0;
                while (seen < records) {
                    ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
                    if (first == 0 && !batch.isEmpty()) {
                        first = System.nanoTime();
                    }
                    for (ConsumerRecord<byte[], byte[]> r : batch) {
                        bytes += r.value().length;
                        if (parse && reader.read(r.value()) == null) {
                            throw new IllegalStateException("nothing parsed");
                        }
                        seen++;
                    }
                }
                if (bytes == 0) {
                    throw new IllegalStateException("no bytes read");
                }
                reading += System.nanoTime() - first;
                total += seen;
            } while (reading < minNanos);
            lastPlainPasses = (int) (total / records);
            return total / (reading / 1e9);
        }
    }

    private double topologyRate(String input, long records, Map<String, String> variant,
            Function<ProcessorConfig, Topology> topology) throws Exception {
        String appId = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        ProcessorConfig config = config(appId, input, variant);
        try (KafkaStreams streams = new KafkaStreams(topology.apply(config),
                StreamsSettings.of(config, TopologyListener.NONE));
             Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            streams.start();
            long first = 0;
            long firstCommitted = 0;
            Map<String, Integer> samples = Boolean.getBoolean("bench.sample-threads")
                    ? new java.util.HashMap<>() : null;
            while (true) {
                long committed = committed(admin, appId, input);
                if (committed > 0 && first == 0) {
                    first = System.nanoTime();
                    firstCommitted = committed;
                }
                if (committed >= records) {
                    double rate = (records - firstCommitted) / secondsSince(first);
                    if (samples != null) {
                        StringBuilder fetch = new StringBuilder("  main consumers:");
                        streams.metrics().forEach((name, metric) -> {
                            if (name.group().equals("consumer-fetch-manager-metrics")
                                    && !name.tags().containsKey("topic")
                                    && name.tags().getOrDefault("client-id", "").endsWith("-consumer")
                                    && !name.tags().get("client-id").contains("restore")
                                    && List.of("fetch-latency-avg", "fetch-latency-max", "records-per-request-avg",
                                            "fetch-total", "fetch-size-avg").contains(name.name())) {
                                fetch.append(' ').append(name.tags().get("client-id")
                                        .replaceAll(".*StreamThread-", "T")).append(' ').append(name.name())
                                        .append('=').append(String.format(Locale.ROOT, "%.0f",
                                                ((Number) metric.metricValue()).doubleValue()));
                            }
                        });
                        System.out.println(fetch);
                        System.out.println("  stream threads sampled: " + samples.entrySet().stream()
                                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(8).toList());
                    }
                    if (Boolean.getBoolean("bench.print-tasks")) {
                        System.out.println("  tasks per stream thread: " + streams.metadataForLocalThreads().stream()
                                .map(t -> t.activeTasks().stream().map(a -> a.taskId().toString()).sorted().toList())
                                .toList() + String.format(Locale.ROOT, " -> %,.0f/s", rate));
                    }
                    return rate;
                }
                if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                    throw new IllegalStateException("streams failed: " + streams.state());
                }
                if (samples != null && first != 0) {
                    sampleStreamThreads(samples);
                }
                Thread.sleep(20);
            }
        }
    }

    private long[] latency(SnapshotWorkload workload, int rate, int seconds, Map<String, String> variant)
            throws Exception {
        String input = KafkaTestBroker.uniqueTopic("bench-latency-snapshots");
        KafkaTestBroker.createTopic(input, PARTITIONS, Map.of("compression.type", "producer"));
        String appId = "bench-latency-" + UUID.randomUUID().toString().substring(0, 8);
        ProcessorConfig config = config(appId, input, variant);
        String events = config.topics().events();
        KafkaTestBroker.createTopic(events, PARTITIONS);
        List<Long> samples = new ArrayList<>();
        long total = (long) rate * seconds;
        try (KafkaStreams streams = new KafkaStreams(ProcessorTopology.build(config),
                StreamsSettings.of(config, TopologyListener.NONE));
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(readCommitted())) {
            streams.start();
            while (streams.state() != KafkaStreams.State.RUNNING) {
                Thread.sleep(50);
            }
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(events, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long warmUpEnd = System.currentTimeMillis() + 3_000;
            Thread producer = new Thread(() -> {
                try {
                    produce(input, workload, 0, total, rate);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "bench-producer");
            producer.start();
            long deadline = System.currentTimeMillis() + seconds * 1000L + 10_000;
            long lastEvent = System.currentTimeMillis();
            while (System.currentTimeMillis() < deadline) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                long now = System.currentTimeMillis();
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    if (r.timestamp() >= warmUpEnd) {
                        samples.add(now - r.timestamp());
                    }
                    lastEvent = now;
                }
                if (!producer.isAlive() && now - lastEvent > 2_000) {
                    break;
                }
            }
            producer.join();
        }
        long[] sorted = samples.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return sorted;
    }

    private ProcessorConfig config(String appId, String input, Map<String, String> variant) throws Exception {
        Path stateDir = Files.createTempDirectory(appId);
        ProcessorConfig.TopicsConfig topics = new ProcessorConfig.TopicsConfig(input, input + "-events",
                input + "-capacity", input + "-agents", null, PARTITIONS, null, null);
        return new ProcessorConfig(appId, bootstrap, topics, null,
                new ProcessorConfig.StreamsConfig(guarantee, Integer.getInteger("bench.threads"), null, stateDir,
                        null, null, 1, null, variant));
    }

    /**
     * {@code -Dbench.overrides=producer.linger.ms=5,...} (raw Streams properties for every topology run), then
     * {@code variant} ("default" or the same k=v,... form) on top.
     */
    private static Map<String, String> overrides(String variant) {
        Map<String, String> map = new java.util.HashMap<>();
        String spec = System.getProperty("bench.overrides", "") + "," + variant;
        for (String pair : spec.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                map.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        return map;
    }

    /** -Dbench.sample-threads=true: where the stream threads are (state and innermost Kafka frame), every 20 ms. */
    private static void sampleStreamThreads(Map<String, Integer> samples) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (java.lang.management.ThreadInfo info : mx.dumpAllThreads(false, false, 40)) {
            if (info == null || !info.getThreadName().matches(".*-StreamThread-\\d+")) {
                continue;
            }
            String where = "?";
            for (StackTraceElement frame : info.getStackTrace()) {
                String type = frame.getClassName();
                if (type.startsWith("org.apache.kafka") || type.startsWith("io.fleetevents")) {
                    where = type.substring(type.lastIndexOf('.') + 1) + "."
                            + frame.getMethodName();
                    break;
                }
            }
            samples.merge(info.getThreadState() + " " + where, 1, Integer::sum);
        }
    }

    private long committed(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        long sum = 0;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
            if (e.getKey().topic().equals(topic) && e.getValue() != null) {
                sum += e.getValue().offset();
            }
        }
        return sum;
    }

    private Properties producerProps(boolean lowLatency) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        props.put(ProducerConfig.LINGER_MS_CONFIG, lowLatency ? 5 : 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // The load generator needs order, not idempotence: on the embedded broker under heavy load its sequence
        // checks stalled the generator (OutOfOrderSequence retries until the delivery timeout).
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        return props;
    }

    private Properties readCommitted() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return props;
    }

    /** A rate and the CPU time this JVM spent (all threads, incl. an embedded broker's if there is one). */
    private record Measured(double rate, long cpuNanos, int passes) {
        double cpuMicrosPerRecord(long records) {
            return cpuNanos / 1e3 / records / passes;
        }
    }

    private interface Run {
        double rate() throws Exception;
    }

    private Measured measure(Run run) throws Exception {
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu = os.getProcessCpuTime();
        lastPlainPasses = 1;
        double rate = run.rate();
        return new Measured(rate, os.getProcessCpuTime() - cpu, lastPlainPasses);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return -1;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double secondsSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
