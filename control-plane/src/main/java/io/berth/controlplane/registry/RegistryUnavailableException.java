package io.berth.controlplane.registry;

/** The registry did not answer, or answered what it should not; the caller sees a server error, not its own fault. */
public final class RegistryUnavailableException
        extends RuntimeException
{
    public RegistryUnavailableException(String message, Throwable cause)
    {
        super(message, cause);
    }

    public RegistryUnavailableException(String message)
    {
        super(message);
    }
}
