/**
 * Per-account quotas the operator sets: requested vCPU of the tasks not STOPPED, tasks not STOPPED, tasks
 * waiting for a host (PROVISIONING), and API requests per second. {@link io.berth.controlplane.quotas.QuotaCheck}
 * decides whether a RunTask fits (a pure function of the limits and the account's use);
 * {@link io.berth.controlplane.quotas.AccountLimitsService} stores the limits, applies the server's defaults and
 * answers the API edge's rate lookups.
 */
package io.berth.controlplane.quotas;
