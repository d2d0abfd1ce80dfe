package io.berth.controlplane.events;

import io.berth.controlplane.store.StoreTransaction;
import io.berth.controlplane.tasks.Task;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Records the control plane's decisions in the transaction that makes them, so an event is stored exactly when its
 * decision is: the places that decide (placer, task service, agent gateway, host service, service reconciler) call
 * these.
 */
public final class ClusterEvents
{
    private ClusterEvents() {}

    public static void taskPlaced(StoreTransaction transaction, Task task, String hostId, Instant now)
    {
        Duration waited = Duration.between(task.createdAt(), now);
        record(transaction, ClusterEvent.of(now, EventType.TASK_PLACED, task.accountId(), task.arn(), hostId,
                "placed on host " + hostId + " after " + seconds(waited.isNegative() ? Duration.ZERO : waited)));
    }

    public static void taskWaiting(StoreTransaction transaction, Task task, String why, Instant now)
    {
        record(transaction, ClusterEvent.of(now, EventType.TASK_WAITING, task.accountId(), task.arn(), null, "waits for a host: " + why));
    }

    /** A task told to stop; reason is what its stoppedReason says (by whom and why). */
    public static void taskStopRequested(StoreTransaction transaction, Task after, Instant now)
    {
        record(transaction, ClusterEvent.of(now, EventType.TASK_STOP_REQUESTED, after.accountId(), after.arn(), after.state().hostId(),
                "told to stop (" + after.state().stopCode() + "): " + after.state().stoppedReason()));
    }

    /** A task that reached STOPPED, with the stop code and reason it shows in DescribeTasks. */
    public static void taskStopped(StoreTransaction transaction, Task after, Instant now)
    {
        record(transaction, ClusterEvent.of(now, EventType.TASK_STOPPED, after.accountId(), after.arn(), after.state().hostId(),
                "stopped (" + after.state().stopCode() + "): " + after.state().stoppedReason()));
    }

    /** An event about a host only the operator sees. */
    public static void host(StoreTransaction transaction, EventType type, String hostId, String message, Instant now)
    {
        if (!type.name().startsWith("HOST_")) {
            throw new IllegalArgumentException(type + " is not a host event");
        }
        record(transaction, ClusterEvent.of(now, type, null, hostId, hostId, message));
    }

    /** A change of the control plane's leader, about replica replicaId; only the operator sees it. */
    public static void leadership(StoreTransaction transaction, EventType type, String replicaId, String message, Instant now)
    {
        if (!type.name().startsWith("LEADER_")) {
            throw new IllegalArgumentException(type + " is not a leadership event");
        }
        record(transaction, ClusterEvent.of(now, type, null, replicaId, null, message));
    }

    /** An event of a patch run only the operator sees: about one of its hosts (hostId), or the whole run (hostId null). */
    public static void patch(StoreTransaction transaction, EventType type, String runId, String hostId, String message, Instant now)
    {
        if (!type.name().contains("PATCH")) {
            throw new IllegalArgumentException(type + " is not a patch event");
        }
        record(transaction, ClusterEvent.of(now, type, null, hostId != null ? hostId : "patch/" + runId, hostId, message));
    }

    /** One of a service's own events (the messages DescribeServices shows). */
    public static void service(StoreTransaction transaction, String accountId, String serviceArn, String message, Instant now)
    {
        record(transaction, ClusterEvent.of(now, EventType.SERVICE, accountId, serviceArn, null, message));
    }

    private static void record(StoreTransaction transaction, ClusterEvent event)
    {
        transaction.events().append(event);
    }

    private static String seconds(Duration duration)
    {
        return String.format(Locale.ROOT, "%.3f s", duration.toNanos() / 1e9);
    }
}
