/**
 * Pure logic from Coder JSON to snapshots: splitting a workspace into one observation per agent (sub-agents
 * included, agent-less workspaces kept), Coder's stale-app-status rule, task attachment, and change detection that
 * ignores Coder's ticking fields but refreshes every agent at least every full-refresh interval.
 */
package io.fleetevents.poller.snapshot;
