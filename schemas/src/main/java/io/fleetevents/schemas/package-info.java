/**
 * The Fleet Events wire contract, shared by every app and by analytics consumers.
 *
 * <p>Value types ({@link io.fleetevents.schemas.EventNotification}, {@link io.fleetevents.schemas.SnapshotRecord},
 * {@link io.fleetevents.schemas.CapacitySample}, {@link io.fleetevents.schemas.SubscriptionFilter}) are immutable
 * records validated in their constructors. Their JSON form is snake_case with RFC 3339 UTC timestamps; fields
 * that are {@code null} are omitted on write and fields that are unknown are ignored on read. The JSON Schemas
 * under {@code /schemas/} in this jar describe the same shapes and are checked against the records by tests.
 *
 * <p>This package depends on kafka-clients (for {@code Serde}) and Jackson only: no Spring, no Streams runtime.
 */
package io.fleetevents.schemas;
