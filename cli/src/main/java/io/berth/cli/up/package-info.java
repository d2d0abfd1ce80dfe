/**
 * `berth up`: the all-in-one Berth on one machine. Control plane, one agent for this host and a local OCI
 * registry, wired in one process on the same code paths as a fleet, with all state in one data directory.
 */
package io.berth.cli.up;
