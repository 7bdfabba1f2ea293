package io.fleetevents.broadcaster.capacity;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code fleet.broadcaster.capacity.*}: the utilisation history served to the dashboard.
 *
 * @param topic            the capacity topic (default {@code fleet.capacity})
 * @param samplesPerScope  samples kept in memory per scope (default 720: an hour at a 5 s poll)
 * @param warningThreshold the utilisation the chart draws as its warning line; keep it equal to the processor's
 *                         {@code fleet.processor.capacity.warning-threshold} (default 0.8)
 */
@Validated
@ConfigurationProperties("fleet.broadcaster.capacity")
public record CapacityProperties(
        @NotBlank @DefaultValue("fleet.capacity") String topic,
        @Min(1) @DefaultValue("720") int samplesPerScope,
        @DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.8") double warningThreshold) {
}
