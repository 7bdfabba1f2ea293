/**
 * Coder's notification webhook ({@code CODER_NOTIFICATIONS_METHOD=webhook}) as the simulator sends it: the payload of
 * coderd/notifications/dispatch/webhook.go with its {@code X-Message-Id} header, posted to a configured URL.
 */
package io.fleetevents.codersim.notify;
