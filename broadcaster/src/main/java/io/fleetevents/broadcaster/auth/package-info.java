/**
 * Who may see what: API tokens stored as SHA-256 hashes, each with a {@link io.fleetevents.broadcaster.auth.TokenScope}
 * applied to every event delivered on every transport, in addition to the subscriber's own filter.
 */
package io.fleetevents.broadcaster.auth;
