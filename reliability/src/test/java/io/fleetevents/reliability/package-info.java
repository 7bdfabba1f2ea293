/**
 * The reliability suite: fault scenarios, bad input and security checks against the real apps running
 * as separate processes, compared with an exact oracle; the table it prints is published in docs/reliability.md.
 */
package io.fleetevents.reliability;
