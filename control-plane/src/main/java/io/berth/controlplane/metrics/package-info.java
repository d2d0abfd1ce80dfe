/**
 * The control plane's Prometheus metrics: API requests by service, action and code with their latency, placements
 * and their latency, tasks by state, hosts by state, and whether this control plane leads. Served at /metrics on the
 * API port to the holder of the metrics token (see io.berth.common.metrics). Labels never carry an account, an ARN
 * or any other name a tenant chose.
 */
package io.berth.controlplane.metrics;
