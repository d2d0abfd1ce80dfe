/**
 * Which host runs a task. {@link io.berth.controlplane.placement.Placement} decides from a snapshot of live
 * hosts without I/O; {@link io.berth.controlplane.placement.TaskPlacer} applies its choices in the store.
 */
package io.berth.controlplane.placement;
