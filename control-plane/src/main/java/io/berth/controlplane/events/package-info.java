/**
 * The control plane's decisions as events, for `berth events`: each decision (placed where, stopped and why, a host
 * lost, cordoned, drained or removed, a service's deployment steps) is recorded in the store in the transaction that
 * makes it. The operator reads them all; an account reads those about its own resources. Retention is bounded.
 */
package io.berth.controlplane.events;
