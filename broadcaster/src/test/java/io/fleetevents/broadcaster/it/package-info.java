/** End-to-end tests: the real app, a real Kafka broker, real sockets. */
package io.fleetevents.broadcaster.it;
