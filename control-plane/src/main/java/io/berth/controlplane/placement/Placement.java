package io.berth.controlplane.placement;

import io.berth.controlplane.agents.Host;
import io.berth.controlplane.tasks.Task;

import java.util.List;
import java.util.Optional;

/** Picks a host for a task among the live ones; empty leaves the task waiting in PROVISIONING. */
public interface Placement
{
    Optional<String> choose(Task task, List<Host> liveHosts);
}
