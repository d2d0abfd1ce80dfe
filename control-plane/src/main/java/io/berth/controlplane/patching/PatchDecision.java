package io.berth.controlplane.patching;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** The planner's answer: the run as it is to be stored, and what to do for it, in order. */
public record PatchDecision(PatchRun run, List<PatchAction> actions)
{
    public PatchDecision
    {
        requireNonNull(run, "run is null");
        actions = List.copyOf(actions);
    }
}
