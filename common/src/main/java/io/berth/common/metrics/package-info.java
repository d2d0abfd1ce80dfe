/**
 * Prometheus metrics as Berth serves them: the client library's registry, written in the Prometheus text format at
 * {@code GET /metrics} to a reader holding the metrics token (a bearer token kept in a file of the data directory).
 * The control plane and the agents label by action, code, state or step only, never by account or resource, so that
 * what a scrape shows is the operator's view of the fleet and names no tenant's resources.
 */
package io.berth.common.metrics;
