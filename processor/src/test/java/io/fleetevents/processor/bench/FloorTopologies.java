package io.fleetevents.processor.bench;

import io.fleetevents.processor.snapshot.SnapshotReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Reference topologies for the benchmark: what Kafka Streams costs on this machine before any of the processor's own
 * work, run on the same input with the same Streams settings as the real topology. They bound the ratio any
 * implementation of the required design can reach here.
 *
 * <ul>
 *   <li>{@link #passthrough}: source and an empty processor — consuming under the configured guarantee (transactions
 *       and offset commits every commit interval), nothing written.</li>
 *   <li>{@link #requiredShape}: what the design requires per snapshot with none of the parsing or diffing —
 *       a read and a write of a {@value #STATE_BYTES}-byte value under the record key in a changelogged in-memory
 *       store (the real state is ~200 bytes and changes on every snapshot: its poll id), and for 3 in 8 records (the
 *       workload's event rate) a {@value #EVENT_BYTES}-byte record with eight headers (the CloudEvents set) to an
 *       output topic; optionally after reading each value with the processor's {@link SnapshotReader} (the part of
 *       our work no implementation can skip: the snapshot has to be read).</li>
 * </ul>
 */
final class FloorTopologies {

    static final int STATE_BYTES = 200;
    static final int EVENT_BYTES = 1_000;
    private static final String STORE = "floor-state-store";

    private FloorTopologies() {
    }

    static Topology passthrough(String input) {
        Topology topology = new Topology();
        topology.addSource("floor-source", new ByteArrayDeserializer(), new ByteArrayDeserializer(), input);
        topology.addProcessor("floor-nothing", NothingProcessor::new, "floor-source");
        return topology;
    }

    static Topology requiredShape(String input, String output, boolean parse) {
        return requiredShape(input, output, parse, null);
    }

    /**
     * {@link #requiredShape(String, String, boolean)} plus, when {@code idleTopic} is not null, a second sub-topology
     * reading {@code idleTopic} (kept empty), as the processor's capacity sub-topology reads its mostly idle
     * repartition topic: the same consumers then also fetch partitions that have no data.
     */
    static Topology requiredShape(String input, String output, boolean parse, String idleTopic) {
        Topology topology = new Topology();
        if (idleTopic != null) {
            topology.addSource("floor-idle-source", new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                    idleTopic);
            topology.addProcessor("floor-idle", NothingProcessor::new, "floor-idle-source");
        }
        topology.addSource("floor-source", new ByteArrayDeserializer(), new ByteArrayDeserializer(), input);
        topology.addProcessor("floor-shape", () -> new ShapeProcessor(parse), "floor-source");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE), Serdes.ByteArray(),
                Serdes.ByteArray()), "floor-shape");
        topology.addSink("floor-sink", output, new ByteArraySerializer(), new ByteArraySerializer(), "floor-shape");
        return topology;
    }

    private static final class NothingProcessor implements Processor<byte[], byte[], Void, Void> {
        @Override
        public void process(Record<byte[], byte[]> record) {
            // consumed and committed under the guarantee; nothing else
        }
    }

    private static final class ShapeProcessor implements Processor<byte[], byte[], byte[], byte[]> {

        private static final byte[] EVENT = filled(EVENT_BYTES);
        private static final String[] HEADERS = {"ce_id", "ce_type", "ce_source", "ce_time", "ce_specversion",
                "content-type", "event_type", "severity"};

        private final SnapshotReader reader;
        private ProcessorContext<byte[], byte[]> context;
        private KeyValueStore<byte[], byte[]> store;
        private long seen;

        ShapeProcessor(boolean parse) {
            this.reader = parse ? new SnapshotReader() : null;
        }

        @Override
        public void init(ProcessorContext<byte[], byte[]> context) {
            this.context = context;
            this.store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            if (reader != null && reader.read(record.value()) == null) {
                throw new IllegalStateException("nothing parsed");
            }
            byte[] previous = store.get(record.key());
            byte[] next = previous == null ? filled(STATE_BYTES) : previous.clone();
            next[0]++; // a new value every time, like the real state's poll id
            store.put(record.key(), next);
            if (seen++ % 8 < 3) {
                RecordHeaders headers = new RecordHeaders();
                for (String name : HEADERS) {
                    headers.add(name, name.getBytes(StandardCharsets.US_ASCII));
                }
                context.forward(new Record<>(record.key(), EVENT, record.timestamp(), headers));
            }
        }

        private static byte[] filled(int size) {
            byte[] bytes = new byte[size];
            Arrays.fill(bytes, (byte) 'x');
            return bytes;
        }
    }
}
