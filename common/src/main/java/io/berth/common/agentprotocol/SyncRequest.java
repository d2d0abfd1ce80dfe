package io.berth.common.agentprotocol;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * An agent's heartbeat: who it is, and the actual state of every task it holds; an ingress host also reports the
 * health its load balancer sees (null from any other host).
 */
public record SyncRequest(HostInfo host, List<TaskReport> tasks, IngressReport ingress)
{
    public SyncRequest
    {
        requireNonNull(host, "host is null");
        tasks = List.copyOf(tasks);
    }

    /** From a host that serves no load balancers. */
    public SyncRequest(HostInfo host, List<TaskReport> tasks)
    {
        this(host, tasks, null);
    }

    public SyncRequest withHost(HostInfo value)
    {
        return new SyncRequest(value, tasks, ingress);
    }

    public SyncRequest withTasks(List<TaskReport> value)
    {
        return new SyncRequest(host, value, ingress);
    }

    public SyncRequest withIngress(IngressReport value)
    {
        return new SyncRequest(host, tasks, value);
    }
}
