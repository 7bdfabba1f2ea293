/** Helpers of the processor that are no package's API: compact binary codec. */
package io.fleetevents.processor.internal;
