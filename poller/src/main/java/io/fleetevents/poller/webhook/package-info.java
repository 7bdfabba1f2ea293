/**
 * Intake of Coder's notification webhooks: authenticated by a shared secret, idempotent on {@code X-Message-Id}; a
 * notification about a known workspace triggers an immediate read of it.
 */
package io.fleetevents.poller.webhook;
