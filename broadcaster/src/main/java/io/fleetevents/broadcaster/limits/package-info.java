/** Protection limits shared by all transports: open connections (total and per token) and connect rate. */
package io.fleetevents.broadcaster.limits;
