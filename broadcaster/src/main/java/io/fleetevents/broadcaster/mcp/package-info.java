/**
 * The MCP server at {@code /mcp} (Streamable HTTP, the official MCP Java SDK): tools for superagents whose cursor is
 * the resume token ({@code wait_for_events}, {@code list_events}), the current fleet from {@code fleet.agents}
 * ({@code list_agents}, {@code get_agent}), capacity ({@code get_fleet_capacity}), and resources whose
 * {@code resources/subscribe} updates are hints only. Same tokens and scopes as every other transport; the tools keep
 * no state between calls, so any instance answers any call.
 */
package io.fleetevents.broadcaster.mcp;
