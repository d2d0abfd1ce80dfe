package io.berth.controlplane.agents.http;

/** Is told of every agent protocol call answered (the metrics): its operation, or "other" for a path of none, and its HTTP status. */
@FunctionalInterface
public interface AgentCallObserver
{
    AgentCallObserver NONE = (operation, status) -> {};

    void answered(String operation, int status);

    /**
     * A host's network plan was answered alone, after a change of its network only: via "fetch" (the agent asked for it)
     * or "wake-up" (it came with the long poll's answer).
     */
    default void networkPlanSent(String via)
    {
    }
}
