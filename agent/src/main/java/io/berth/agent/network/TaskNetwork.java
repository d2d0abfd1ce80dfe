package io.berth.agent.network;

import io.berth.common.agentprotocol.NetworkPlan;

import java.util.List;
import java.util.Optional;

/**
 * Gives each task its own network namespace and address, in the network the control plane's plan lays out.
 * Every method is safe to call after an agent restart: the implementation keeps what it needs on disk.
 */
public interface TaskNetwork
{
    /**
     * Sets up the task's network, or returns the one already set up for it, and lets it reach only what its
     * account may before returning (so before any of its containers starts). Empty when this host gives tasks no
     * network of their own, or the control plane sent no network plan (each container then gets a namespace with
     * only loopback).
     *
     * @param accountId the account that owns the task; null for a task without one
     * @throws NetworkException with a message fit for a task's stopped reason
     */
    Optional<NetworkAttachment> setUp(String taskId, String accountId)
            throws NetworkException;

    /**
     * Releases the task's address, its namespace and its firewall identity. Idempotent: a task without a network is
     * a no-op. Goes on past a failed step, then fails naming what it could not remove.
     */
    void tearDown(String taskId)
            throws NetworkException;

    /** The tasks that hold a network on this host (set up, or partly set up before a crash). */
    List<String> taskIds();

    /**
     * Makes this host's part of the network what the plan says (bridge and gateway on the host's slice, links to
     * the peers, the tenant firewall) and keeps the plan for {@link #restore()}. Idempotent.
     */
    default void apply(NetworkPlan plan)
            throws NetworkException
    {
    }

    /**
     * Applies the plan an earlier agent on this host applied last, if any: running tasks keep their network. Called as
     * the agent starts: what an earlier agent made ahead of need is removed, and making it ahead begins again.
     */
    default void restore()
            throws NetworkException
    {
    }

    /**
     * Removes what is made ahead of need (warm namespaces no task has), as the agent stops; the tasks' networks stay.
     * Returns what could not be removed, each with why.
     */
    default List<String> releaseWarm()
    {
        return List.of();
    }

    /**
     * The tasks' gateway address on this host once a plan is applied: every task on this host reaches it, and
     * nothing beyond the host is routed to it, so host services for tasks (the task metadata endpoint) listen
     * there. Empty when tasks get no network, or no plan has arrived yet.
     */
    default Optional<String> gateway()
    {
        return Optional.empty();
    }

    /** Lets tasks reach the task metadata endpoint, which listens on the gateway at this TCP port. */
    default void openMetadataEndpoint(int port)
            throws NetworkException
    {
    }

    /** A host that gives tasks no network of their own. */
    static TaskNetwork none()
    {
        return new TaskNetwork()
        {
            @Override
            public Optional<NetworkAttachment> setUp(String taskId, String accountId)
            {
                return Optional.empty();
            }

            @Override
            public void tearDown(String taskId) {}

            @Override
            public List<String> taskIds()
            {
                return List.of();
            }
        };
    }
}
