package io.fleetevents.poller.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class PartitioningTest {

    @Test
    void shouldAgreeWithKafkasBuiltInKeyPartitioner() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 2000; i++) {
            String key = new UUID(random.nextLong(), random.nextLong()) + (i % 5 == 0 ? "/" : "/main-" + i);
            int partitions = 1 + random.nextInt(48);

            assertThat(Partitioning.partition(key, partitions)).as("seed %d key %s", seed, key)
                    .isEqualTo(BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions));
        }
    }
}
