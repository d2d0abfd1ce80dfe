/**
 * Host lifecycle for the operator: listing hosts with what they hold, cordon, uncordon and drain (with a
 * deadline at which the host's standalone tasks are stopped), removal (which revokes the host's credential and
 * frees its task subnet), and the maintenance that marks silent hosts lost and stops their tasks.
 */
package io.berth.controlplane.hosts;
