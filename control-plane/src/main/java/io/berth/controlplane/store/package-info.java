/**
 * The control plane's persistent state: accounts (with their egress policies), clusters, task definitions, tasks
 * and hosts (with their task subnets) in one SQL schema that runs on SQLite and PostgreSQL. One
 * {@link io.berth.controlplane.store.StoreTransaction} per operation; tasks are updated with an optimistic version
 * check.
 */
package io.berth.controlplane.store;
