/**
 * Test support shared by every module's tests: fixture builders for Coder-shaped snapshots and events
 * ({@link io.fleetevents.testing.Snapshots}, {@link io.fleetevents.testing.Events}), a hand-moved {@link io.fleetevents.testing.MutableClock}, and one way for any {@code *IT}
 * to get a running Kafka broker ({@link io.fleetevents.testing.KafkaTestBroker}).
 */
package io.fleetevents.testing;
