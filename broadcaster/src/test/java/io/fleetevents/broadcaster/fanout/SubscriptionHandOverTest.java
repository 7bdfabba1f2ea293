package io.fleetevents.broadcaster.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetevents.broadcaster.auth.TokenScope;
import io.fleetevents.schemas.EventRoute;
import io.fleetevents.schemas.EventType;
import io.fleetevents.schemas.ResumeToken;
import io.fleetevents.schemas.SubscriptionFilter;
import io.fleetevents.testing.Events;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubscriptionHandOverTest {

    private static final EventRoute EVENT = EventRoute.of(Events.of(EventType.AGENT_FAILURE, "alice/ws.main").build());

    private static Delivery at(int partition, long offset, long[] after) {
        return new Delivery(partition, offset, EVENT, "{}".getBytes(StandardCharsets.UTF_8), after);
    }

    @Test
    void shouldRefuseToGoLiveUntilTheReplayReachedWhatTheLiveConsumerClaimed() {
        LivePosition live = new LivePosition(new long[] {10, 10});
        List<Long> offsets = new ArrayList<>();
        Subscription subscription = new Subscription("s", SubscriptionFilter.ALL, TokenScope.wholeFleet(),
                (s, d, token, gap) -> offsets.add(d.offset()), live);
        subscription.startAt(new long[] {8, 10});

        boolean early = subscription.goLiveIfCaughtUp(new long[] {9, 10});
        subscription.deliverReplayed(at(0, 8, new long[] {9, 10}));
        subscription.deliverReplayed(at(0, 9, new long[] {10, 10}));
        boolean caughtUp = subscription.goLiveIfCaughtUp(new long[] {10, 10});
        subscription.deliverLive(at(0, 9, new long[] {10, 10}));
        live.claim(0, 11);
        subscription.deliverLive(at(0, 10, new long[] {11, 10}));

        assertThat(early).isFalse();
        assertThat(caughtUp).isTrue();
        assertThat(offsets).containsExactly(8L, 9L, 10L);
    }

    @Test
    void shouldStampTokensThatNeverFallBehindWhatAReplayThatOvershotAlreadyDelivered() {
        LivePosition live = new LivePosition(new long[] {5, 5});
        List<String> tokens = new ArrayList<>();
        Subscription subscription = new Subscription("s", SubscriptionFilter.ALL, TokenScope.wholeFleet(),
                (s, d, token, gap) -> tokens.add(token), live);
        subscription.startAt(new long[] {0, 0});
        subscription.goLiveIfCaughtUp(new long[] {5, 7});

        live.claim(0, 6);
        subscription.deliverLive(at(0, 5, new long[] {6, 5}));

        assertThat(tokens).containsExactly(ResumeToken.encode(new long[] {6, 7}));
    }
}
