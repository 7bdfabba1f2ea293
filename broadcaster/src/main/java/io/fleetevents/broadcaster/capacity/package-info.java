/**
 * Fleet utilisation for the dashboard chart: the broadcaster follows {@code fleet.capacity} and serves the recent
 * samples of a scope at {@code GET /api/capacity?scope=fleet}, under the same token scopes as events.
 */
package io.fleetevents.broadcaster.capacity;
