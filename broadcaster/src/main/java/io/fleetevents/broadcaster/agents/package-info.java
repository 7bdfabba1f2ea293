/**
 * The current fleet, in memory: every broadcaster instance follows the compacted {@code fleet.agents} topic from its
 * beginning (rebuilding the whole view at start) and keeps the latest {@link io.fleetevents.schemas.FleetAgent} of
 * every agent key, looked up by key, path or agent UUID. The MCP tools and the dashboard's agents table read it;
 * listeners hear of every change (the MCP resource-update hints).
 */
package io.fleetevents.broadcaster.agents;
