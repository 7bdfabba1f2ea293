/**
 * One poll cycle ({@link io.fleetevents.poller.cycle.PollCycle}: fetch, split, detect change, publish, then markers)
 * and the loop that runs cycles one at a time ({@link io.fleetevents.poller.cycle.PollLoop}), slowing down on
 * failures and rate limits, with its health and metrics.
 */
package io.fleetevents.poller.cycle;
