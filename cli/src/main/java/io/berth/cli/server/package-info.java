/**
 * `berth server`: the control plane alone, wired: store, ECS API and admin endpoints, the agent protocol under
 * /berth/agent/v1/, periodic maintenance, and the berth.env file that points clients at it.
 */
package io.berth.cli.server;
