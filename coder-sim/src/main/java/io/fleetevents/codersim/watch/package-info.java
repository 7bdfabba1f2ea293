/**
 * Coder's push endpoints as the simulator serves them: the per-workspace watch ({@code /api/v2/workspaces/{id}/watch},
 * Server-Sent Events carrying the whole workspace per change) and the experimental fleet-wide build stream
 * ({@code /api/experimental/watch-all-workspacebuilds}), with Coder's framing and heartbeat pings.
 */
package io.fleetevents.codersim.watch;
