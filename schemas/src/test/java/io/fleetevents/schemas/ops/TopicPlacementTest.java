package io.fleetevents.schemas.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** One row per way a replication setting cannot be satisfied, and the cases that can. */
class TopicPlacementTest {

    private static final String KEY = "fleet.processor.topics.replication-factor";

    @Test
    void shouldNameTheKeyAndTheBrokerCountWhenReplicationExceedsTheBrokers() {
        assertThat(new TopicPlacement(1, 1, 1).problem(3, KEY)).hasValueSatisfying(p -> assertThat(p)
                .contains(KEY + "=3").contains("1 broker(s)"));
    }

    @Test
    void shouldNameTheBrokerDefaultWhenTheReplicationIsLeftToTheBrokers() {
        assertThat(new TopicPlacement(1, 3, 1).problem(-1, KEY)).hasValueSatisfying(p -> assertThat(p)
                .contains("default.replication.factor=3").contains(KEY + "=-1").contains("1 broker(s)"));
    }

    @Test
    void shouldNameMinInsyncReplicasWhenItExceedsTheReplication() {
        assertThat(new TopicPlacement(3, 1, 2).problem(1, KEY)).hasValueSatisfying(p -> assertThat(p)
                .contains("min.insync.replicas=2").contains(KEY + "=1").contains("3 broker(s)"));
    }

    @Test
    void shouldAcceptReplicationTheClusterCanHold() {
        assertThat(new TopicPlacement(3, 3, 2).problem(-1, KEY)).isEmpty();
        assertThat(new TopicPlacement(3, 1, 2).problem(3, KEY)).isEmpty();
        assertThat(new TopicPlacement(1, 1, 1).problem(1, KEY)).isEmpty();
    }
}
