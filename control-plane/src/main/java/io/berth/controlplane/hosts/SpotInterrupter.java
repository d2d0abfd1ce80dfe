package io.berth.controlplane.hosts;

import io.berth.controlplane.agents.HostSignals;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskTransitions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Takes a host's spot capacity back: on the operator's command (before maintenance, or to test how tasks bear an
 * interruption) and when the host starts draining (spot tasks go first, on-demand ones keep the drain's deadline).
 * Every FARGATE_SPOT task on the host still meant to run is stopped with stopCode SpotInterruption, which its agent
 * carries out as any stop (SIGTERM, then SIGKILL after the stopTimeout). On-demand tasks stay.
 */
public final class SpotInterrupter
{
    private static final Logger log = LoggerFactory.getLogger(SpotInterrupter.class);

    private final Store store;
    private final HostSignals hostSignals;
    private final Clock clock;

    public SpotInterrupter(Store store, HostSignals hostSignals, Clock clock)
    {
        this.store = requireNonNull(store, "store is null");
        this.hostSignals = requireNonNull(hostSignals, "hostSignals is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The spot tasks it interrupted on the host (none when it has none); throws HostNotFoundException for an unknown host. */
    public List<Task> interruptOnHost(String hostId)
    {
        return interruptOnHost(hostId, "The operator took back the spot capacity of its host.");
    }

    /** As {@link #interruptOnHost(String)}, with why in the tasks' stoppedReason. */
    public List<Task> interruptOnHost(String hostId, String why)
    {
        List<Task> interrupted = store.inTransaction(transaction -> {
            if (transaction.hosts().find(hostId).isEmpty()) {
                throw new HostNotFoundException(hostId);
            }
            Instant now = clock.instant();
            List<Task> stopped = new ArrayList<>();
            for (Task task : transaction.tasks().onHost(hostId)) {
                if (!task.spot()) {
                    continue;
                }
                Task after = task.withState(TaskTransitions.spotInterrupted(task.state(), why, now));
                if (transaction.tasks().updateIfChanged(task, after)) {
                    stopped.add(transaction.tasks().find(task.accountId(), task.taskId()).orElseThrow());
                }
            }
            return stopped;
        });
        if (!interrupted.isEmpty()) {
            hostSignals.signal(hostId);
        }
        interrupted.forEach(task -> log.info("Spot task {} on host {} interrupted: {}", task.taskId(), hostId, why));
        return interrupted;
    }
}
