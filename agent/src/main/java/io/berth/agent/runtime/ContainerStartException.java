package io.berth.agent.runtime;

/** A container that could not start; the message says why (runc's own words where it gave them). */
public class ContainerStartException
        extends Exception
{
    public ContainerStartException(String message)
    {
        super(message);
    }

    public ContainerStartException(String message, Throwable cause)
    {
        super(message, cause);
    }
}
