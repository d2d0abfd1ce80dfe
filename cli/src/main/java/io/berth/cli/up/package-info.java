/**
 * `berth up`: the all-in-one Berth on one machine. The control plane server with its registry on loopback
 * ({@link io.berth.cli.server}) and one agent for this host ({@link io.berth.cli.agent}), composed on the same
 * code paths as a fleet (the agent talks to the control plane over HTTP on loopback), with all state in one
 * data directory.
 */
package io.berth.cli.up;
