package io.berth.controlplane.placement;

import io.berth.controlplane.agents.Host;
import io.berth.controlplane.store.StoreTransaction;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskTransitions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/** Gives waiting tasks a host, inside the caller's transaction. A host is live while its agent keeps syncing. */
public final class TaskPlacer
{
    private static final Logger log = LoggerFactory.getLogger(TaskPlacer.class);
    private static final int BATCH = 100;

    private final Placement placement;
    private final Duration hostTimeout;

    public TaskPlacer(Placement placement, Duration hostTimeout)
    {
        this.placement = requireNonNull(placement, "placement is null");
        this.hostTimeout = requireNonNull(hostTimeout, "hostTimeout is null");
    }

    /** Places every task still waiting for a host; returns the hosts that received tasks. */
    public Set<String> placeWaiting(StoreTransaction transaction, Instant now)
    {
        List<Task> waiting = transaction.tasks().unplaced(BATCH);
        if (waiting.isEmpty()) {
            return Set.of();
        }
        List<Host> liveHosts = transaction.hosts().heardSince(now.minus(hostTimeout));
        Set<String> touched = new HashSet<>();
        for (Task task : waiting) {
            Optional<String> hostId = placement.choose(task, liveHosts);
            if (hostId.isEmpty()) {
                continue;
            }
            Task placed = task.withState(TaskTransitions.placed(task.state(), hostId.get()));
            transaction.tasks().updateIfChanged(task, placed);
            touched.add(hostId.get());
            log.info("Placed task {} on host {}", task.taskId(), hostId.get());
        }
        return touched;
    }
}
