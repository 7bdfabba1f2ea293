/** The Coder REST endpoints the simulator answers: authentication, query, paging, gzip, injected faults and latency. */
package io.fleetevents.codersim.api;
