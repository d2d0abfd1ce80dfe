/**
 * Rolling patches of the fleet (`berth host patch`): a stored run ({@link io.berth.controlplane.patching.PatchRun})
 * that the control plane's maintenance drives host by host. The {@link io.berth.controlplane.patching.PatchPlanner}
 * decides, a pure function of the run and a snapshot of the hosts and of what their agents say; the
 * {@link io.berth.controlplane.patching.PatchCoordinator} takes the snapshot and applies the decision in one place
 * (drain, the command through the host's agent, uncordon, events). Everything the run needs to go on is stored, so a
 * control plane that restarts continues where the last one stopped.
 */
package io.berth.controlplane.patching;
