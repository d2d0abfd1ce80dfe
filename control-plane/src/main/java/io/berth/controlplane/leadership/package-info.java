/**
 * Which control plane runs the controllers. Every replica serves the API; one, the leader, holds a lease row in the
 * store and runs the periodic controllers (lost hosts, drains, placement of waiting tasks, services, purges). The
 * lease carries an epoch that each of the leader's deciding transactions checks under a row lock, so a leader that was
 * deposed (paused, cut off from the database) cannot write a decision after another took over.
 */
package io.berth.controlplane.leadership;
