/**
 * The standalone stack: one JVM running an embedded Kafka broker, coder-sim (or a real Coder), the poller, the
 * processor and the broadcaster, each app in its own Spring context exactly as it runs alone.
 */
package io.fleetevents.standalone;
