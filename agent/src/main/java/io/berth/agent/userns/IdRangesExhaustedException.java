package io.berth.agent.userns;

/** Every id range of the host's pool is held by a task: a new task cannot start until one is cleaned up. */
public final class IdRangesExhaustedException
        extends Exception
{
    public IdRangesExhaustedException(String message)
    {
        super(message);
    }
}
