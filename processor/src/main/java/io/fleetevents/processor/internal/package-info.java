/** Helpers of the processor that are no package's API: compact binary codec, fast RFC 3339 parsing. */
package io.fleetevents.processor.internal;
