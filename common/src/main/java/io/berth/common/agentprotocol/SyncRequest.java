package io.berth.common.agentprotocol;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * An agent's heartbeat: who it is, and the actual state of its tasks; an ingress host also reports the health its load
 * balancer sees (null from any other host). held says what the agent already holds, so that both sides carry only what
 * changed (see {@link HeldState}); a request without it is a full one: tasks then reports every task the host holds, and
 * the answer carries every part whole.
 */
public record SyncRequest(HostInfo host, List<TaskReport> tasks, IngressReport ingress, HeldState held)
{
    public SyncRequest
    {
        requireNonNull(host, "host is null");
        tasks = List.copyOf(tasks);
    }

    /** A full request. */
    public SyncRequest(HostInfo host, List<TaskReport> tasks, IngressReport ingress)
    {
        this(host, tasks, ingress, null);
    }

    /** From a host that serves no load balancers. */
    public SyncRequest(HostInfo host, List<TaskReport> tasks)
    {
        this(host, tasks, null);
    }

    public SyncRequest withHost(HostInfo value)
    {
        return new SyncRequest(value, tasks, ingress, held);
    }

    /** Whether tasks is every task the host holds (no held state, or held state without task ids). */
    public boolean reportsEveryTask()
    {
        return held == null || held.taskIds() == null;
    }

    /** The ids of every task the host holds: those of held state in a delta request, else those of the reports. */
    public List<String> heldTaskIds()
    {
        return reportsEveryTask() ? tasks.stream().map(TaskReport::taskId).toList() : held.taskIds();
    }

    public SyncRequest withTasks(List<TaskReport> value)
    {
        return new SyncRequest(host, value, ingress, held);
    }

    public SyncRequest withIngress(IngressReport value)
    {
        return new SyncRequest(host, tasks, value, held);
    }

    public SyncRequest withHeld(HeldState value)
    {
        return new SyncRequest(host, tasks, ingress, value);
    }
}
