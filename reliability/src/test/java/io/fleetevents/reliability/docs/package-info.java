/**
 * Checks on the repository's documentation: README.md and docs/*.md describe the product as it is (a manual), and
 * leave the history of the work to git.
 */
package io.fleetevents.reliability.docs;
