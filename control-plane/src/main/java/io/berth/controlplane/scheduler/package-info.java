/**
 * The scheduler, as a pure function (Nomad-style): {@link io.berth.controlplane.scheduler.PlacementEngine} reads an
 * immutable {@link io.berth.controlplane.scheduler.ClusterSnapshot} and returns a
 * {@link io.berth.controlplane.scheduler.PlacementPlan}, without I/O. Feasibility filters run first (host state, the
 * task's isolation tier among the host's, cpu and memory, {@code distinctInstance}, {@code memberOf} expressions in the ECS cluster query language), then
 * the ECS placement strategies rank the hosts that are left (binpack, spread, random, in order as tie-breakers).
 * Every host a task could not go to says why, so a task that fits nowhere explains itself. Applying a plan to the
 * store is {@link io.berth.controlplane.placement.TaskPlacer}'s job.
 */
package io.berth.controlplane.scheduler;
