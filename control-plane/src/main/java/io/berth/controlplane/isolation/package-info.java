/**
 * Isolation tiers: which tier a task runs at (the stronger of its account's and the one its task definition asks
 * for with the berth:isolation tag). Hosts say which tiers they offer; the scheduler places by it.
 */
package io.berth.controlplane.isolation;
