/** {@code tail}: a terminal subscriber that prints matching events live, resuming after drops. */
package io.fleetevents.standalone.tail;
