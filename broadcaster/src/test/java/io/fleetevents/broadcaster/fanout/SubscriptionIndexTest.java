package io.fleetevents.broadcaster.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetevents.broadcaster.auth.TokenScope;
import io.fleetevents.broadcaster.BroadcasterMetrics;
import io.fleetevents.schemas.AgentPattern;
import io.fleetevents.schemas.EventNotification;
import io.fleetevents.schemas.EventRoute;
import io.fleetevents.schemas.EventSeverity;
import io.fleetevents.schemas.EventType;
import io.fleetevents.schemas.FleetJson;
import io.fleetevents.schemas.SubscriptionFilter;
import io.fleetevents.testing.Events;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SubscriptionIndexTest {

    private static final String[] OWNERS = {"alice", "bob", "carol"};

    /** Collects which subscriptions an event reached. */
    private static final class Recorder implements SubscriptionTarget {
        final Set<String> reached = new HashSet<>();

        @Override
        public void deliver(Subscription subscription, Delivery delivery, String token, String replayEarliest) {
            assertThat(reached.add(subscription.id())).as("delivered twice to %s", subscription.id()).isTrue();
        }
    }

    @Test
    void shouldReachExactlyTheSubscriptionsWhoseFilterAndScopeAcceptTheEvent() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        LivePosition live = new LivePosition(new long[] {0});
        SubscriptionIndex index = new SubscriptionIndex(new BroadcasterMetrics(new SimpleMeterRegistry()));
        Recorder recorder = new Recorder();
        List<Subscription> subscriptions = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Subscription subscription = new Subscription("s" + i, randomFilter(random), randomScope(random), recorder, live);
            index.add(subscription);
            subscription.goLiveNow();
            subscriptions.add(subscription);
        }

        for (int offset = 0; offset < 4_000; offset++) {
            EventNotification event = randomEvent(random, offset);
            recorder.reached.clear();
            live.claim(0, offset + 1);
            index.dispatch(new Delivery(0, offset, EventRoute.of(event),
                    FleetJson.mapper().writeValueAsString(event).getBytes(StandardCharsets.UTF_8), new long[] {offset + 1}));

            Set<String> expected = new HashSet<>();
            for (Subscription s : subscriptions) {
                if (s.filter().matches(event) && s.scope().permits(EventRoute.of(event))) {
                    expected.add(s.id());
                }
            }
            assertThat(recorder.reached).as("seed %d, event %s", seed, event).isEqualTo(expected);
        }
    }

    @Test
    void shouldStopDeliveringOnceASubscriptionIsRemoved() {
        LivePosition live = new LivePosition(new long[] {0});
        SubscriptionIndex index = new SubscriptionIndex(new BroadcasterMetrics(new SimpleMeterRegistry()));
        Recorder recorder = new Recorder();
        Subscription subscription = new Subscription("s", SubscriptionFilter.ALL, TokenScope.wholeFleet(), recorder, live);
        index.add(subscription);
        subscription.goLiveNow();

        index.remove(subscription);
        live.claim(0, 1);
        EventNotification event = Events.of(EventType.AGENT_FAILURE, "alice/ws.main").build();
        index.dispatch(new Delivery(0, 0, EventRoute.of(event), "{}".getBytes(StandardCharsets.UTF_8), new long[] {1}));

        assertThat(recorder.reached).isEmpty();
    }

    private static EventNotification randomEvent(Random random, int sequence) {
        String owner = OWNERS[random.nextInt(OWNERS.length)];
        EventType type = EventType.values()[random.nextInt(EventType.values().length)];
        return Events.of(type, owner + "/ws" + random.nextInt(4) + ".main")
                .severity(EventSeverity.values()[random.nextInt(3)])
                .organization(random.nextBoolean() ? "acme" : "coder").sequence(sequence).build();
    }

    private static SubscriptionFilter randomFilter(Random random) {
        List<EventType> types = new ArrayList<>();
        for (EventType type : EventType.values()) {
            if (random.nextInt(4) == 0) {
                types.add(type);
            }
        }
        List<String> ids = new ArrayList<>();
        int patterns = random.nextInt(3);
        for (int i = 0; i < patterns; i++) {
            String owner = OWNERS[random.nextInt(OWNERS.length)];
            ids.add(switch (random.nextInt(9)) {
                case 0 -> owner + "/*";
                case 1 -> owner + "/ws" + random.nextInt(4) + ".main";
                case 2 -> "*ws" + random.nextInt(4) + "*";
                // wildcards filed under literal prefixes of different lengths, near misses included
                case 3 -> owner.substring(0, 1 + random.nextInt(owner.length())) + "*";
                case 4 -> owner + "/ws" + random.nextInt(4) + "*";
                case 5 -> owner.substring(0, 2) + "*/ws" + random.nextInt(4) + ".main";
                case 6 -> owner + "x/*";
                // agent UUIDs by their first hex digit
                case 7 -> Integer.toHexString(random.nextInt(16)) + "*";
                default -> "*";
            });
        }
        EventSeverity min = random.nextBoolean() ? null : EventSeverity.values()[random.nextInt(3)];
        return new SubscriptionFilter(types, ids, min);
    }

    private static TokenScope randomScope(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> TokenScope.wholeFleet();
            case 1 -> new TokenScope(Set.of(OWNERS[random.nextInt(3)]), Set.of(), List.of());
            case 2 -> new TokenScope(Set.of(), Set.of("acme"), List.of());
            default -> new TokenScope(Set.of(), Set.of(), List.of(new AgentPattern("*ws1*")));
        };
    }
}
