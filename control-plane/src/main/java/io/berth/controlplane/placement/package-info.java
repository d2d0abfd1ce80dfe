/**
 * Applying the scheduler's plans to the store. {@link io.berth.controlplane.placement.TaskPlacer} builds a
 * snapshot ({@link io.berth.controlplane.placement.ClusterSnapshots}) from the hosts and the tasks that hold their
 * capacity, asks the {@link io.berth.controlplane.scheduler.PlacementEngine} for a plan, records placements,
 * keeps the latest failure of each waiting task for the operator, and stops tasks that waited too long;
 * {@link io.berth.controlplane.placement.FairSelection} picks which waiting tasks a pass offers, account by account;
 * {@link io.berth.controlplane.placement.PlacementReports} reads those back.
 */
package io.berth.controlplane.placement;
