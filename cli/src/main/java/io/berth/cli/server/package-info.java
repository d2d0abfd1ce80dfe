/**
 * `berth server`: the control plane alone, wired: store, ECS and ECR API and admin endpoints, the agent protocol under
 * /berth/agent/v1/, the per-account registry (Debian's docker-registry behind Berth's token auth), periodic
 * maintenance, and the berth.env file that points clients at it.
 */
package io.berth.cli.server;
