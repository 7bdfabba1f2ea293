package io.fleetevents.reliability.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetevents.reliability.collect.Received;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TallyTest {

    private static final Map<String, List<String>> EXPECTED = Map.of(
            "s/w1.main", List.of("AGENT_CONNECTED", "AGENT_FAILURE", "AGENT_CONNECTED"),
            "s/w2.main", List.of("AGENT_CONNECTED"));

    @Test
    void shouldCountAnExactDeliveryAsNothingMissingDuplicatedOrFalse() {
        List<Received> got = List.of(r("1", "AGENT_CONNECTED", "s/w1.main"), r("2", "AGENT_FAILURE", "s/w1.main"),
                r("3", "AGENT_CONNECTED", "s/w1.main"), r("4", "AGENT_CONNECTED", "s/w2.main"));

        Tally tally = Tally.of("s", EXPECTED, got);

        assertThat(tally).isEqualTo(new Tally(4, 4, 0, 0, 0));
    }

    @Test
    void shouldCountMissingDuplicatedAndFalseEventsSeparately() {
        List<Received> got = List.of(r("1", "AGENT_CONNECTED", "s/w1.main"), r("1", "AGENT_CONNECTED", "s/w1.main"),
                r("4", "AGENT_CONNECTED", "s/w2.main"), r("5", "AGENT_DISCONNECTED", "s/w2.main"));

        Tally tally = Tally.of("s", EXPECTED, got);

        assertThat(tally.missing()).isEqualTo(2);
        assertThat(tally.duplicated()).isEqualTo(1);
        assertThat(tally.falseEvents()).isEqualTo(1);
    }

    @Test
    void shouldIgnoreOtherFleetsAndCapacityEvents() {
        List<Received> got = List.of(r("9", "AGENT_FAILURE", "other/w1.main"), r("8", "CAPACITY_WARNING", "s/x"));

        Tally tally = Tally.of("s", EXPECTED, got);

        assertThat(tally).isEqualTo(new Tally(4, 0, 4, 0, 0));
    }

    private static Received r(String id, String type, String path) {
        return new Received(id, type, path);
    }
}
