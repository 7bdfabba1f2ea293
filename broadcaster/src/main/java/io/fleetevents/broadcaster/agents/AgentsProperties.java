package io.fleetevents.broadcaster.agents;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code fleet.broadcaster.agents.*}: the in-memory view of {@code fleet.agents}.
 *
 * @param topic      the current-state topic (default {@code fleet.agents})
 * @param pollTimeout consumer poll timeout of the follower thread (default 500ms)
 */
@Validated
@ConfigurationProperties("fleet.broadcaster.agents")
public record AgentsProperties(
        @NotBlank @DefaultValue("fleet.agents") String topic,
        @NotNull @DefaultValue("500ms") Duration pollTimeout) {
}
