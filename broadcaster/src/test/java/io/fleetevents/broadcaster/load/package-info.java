/** The load tool: a program (not a test) that measures fan-out, latency, heap per connection, connect and replay rates. */
package io.fleetevents.broadcaster.load;
