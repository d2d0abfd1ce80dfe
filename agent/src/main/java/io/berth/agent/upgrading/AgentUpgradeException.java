package io.berth.agent.upgrading;

/** An upgrade that cannot go on, with a message for the operator that says what to fix; the running agent stays as it is. */
public final class AgentUpgradeException
        extends Exception
{
    public AgentUpgradeException(String message)
    {
        super(message);
    }

    public AgentUpgradeException(String message, Throwable cause)
    {
        super(message, cause);
    }
}
