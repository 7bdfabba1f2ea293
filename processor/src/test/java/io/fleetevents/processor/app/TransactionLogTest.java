package io.fleetevents.processor.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** One row per way the transaction log can make exactly-once impossible, and the healthy cases. */
class TransactionLogTest {

    @Test
    void shouldNameTheReplicationSettingAndTheBrokerCountWhenTheLogCannotBeCreated() {
        assertThat(new TransactionLog(1, 3, 2, false, 0).problem()).hasValueSatisfying(cause -> assertThat(cause)
                .contains("transaction.state.log.replication.factor=3").contains("1 broker(s)")
                .contains("processing-guarantee=at_least_once"));
    }

    @Test
    void shouldNameTheMinIsrWhenItExceedsTheReplication() {
        assertThat(new TransactionLog(3, 2, 3, true, 2).problem())
                .hasValueSatisfying(cause -> assertThat(cause).contains("transaction.state.log.min.isr=3"));
    }

    @Test
    void shouldReportAnExistingLogWithTooFewInSyncReplicas() {
        assertThat(new TransactionLog(3, 3, 2, true, 1).problem())
                .hasValueSatisfying(cause -> assertThat(cause).contains("1 in-sync replica(s)"));
    }

    @Test
    void shouldAcceptALogThatExistsWithEnoughReplicasOrCanBeCreated() {
        assertThat(new TransactionLog(1, 3, 1, true, 1).problem()).as("created when there were more brokers")
                .isEmpty();
        assertThat(new TransactionLog(1, 1, 1, false, 0).problem()).isEmpty();
        assertThat(new TransactionLog(3, 3, 2, true, 2).problem()).isEmpty();
    }
}
