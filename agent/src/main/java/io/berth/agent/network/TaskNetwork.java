package io.berth.agent.network;

import java.util.List;
import java.util.Optional;

/**
 * Gives each task its own network namespace and address. Every method is safe to call after an agent
 * restart: the implementation keeps what it needs on disk.
 */
public interface TaskNetwork
{
    /**
     * Sets up the task's network, or returns the one already set up for it. Empty when this host gives tasks
     * no network of their own (each container then gets a namespace with only loopback).
     *
     * @throws NetworkException with a message fit for a task's stopped reason
     */
    Optional<NetworkAttachment> setUp(String taskId)
            throws NetworkException;

    /** Releases the task's address and removes its namespace. Idempotent: a task without a network is a no-op. */
    void tearDown(String taskId)
            throws NetworkException;

    /** The tasks that hold a network on this host (set up, or partly set up before a crash). */
    List<String> taskIds();

    /** A host that gives tasks no network of their own. */
    static TaskNetwork none()
    {
        return new TaskNetwork()
        {
            @Override
            public Optional<NetworkAttachment> setUp(String taskId)
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
