package io.berth.controlplane.placement;

import io.berth.controlplane.agents.Host;
import io.berth.controlplane.tasks.Task;

import java.util.List;
import java.util.Optional;

/**
 * The placement of the first slice: any live host will do (all-in-one has exactly one). A scheduler that
 * checks capacity and spreads tasks replaces it.
 */
public final class FirstLiveHostPlacement
        implements Placement
{
    @Override
    public Optional<String> choose(Task task, List<Host> liveHosts)
    {
        return liveHosts.stream().findFirst().map(Host::hostId);
    }
}
