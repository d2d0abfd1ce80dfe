package io.berth.agent.userns;

import java.io.IOException;

import static java.util.Objects.requireNonNull;

/**
 * An open descriptor of a user namespace with a task's id mapping. It keeps the namespace alive with no process
 * in it; mounts idmapped through it keep their own reference, so it is closed as soon as they are made.
 */
public final class UserNamespaceFile
        implements AutoCloseable
{
    private final int descriptor;
    private final IdMapping mapping;
    private boolean closed;

    UserNamespaceFile(int descriptor, IdMapping mapping)
    {
        this.descriptor = descriptor;
        this.mapping = requireNonNull(mapping, "mapping is null");
    }

    public int descriptor()
    {
        if (closed) {
            throw new IllegalStateException("the user namespace file is closed");
        }
        return descriptor;
    }

    public IdMapping mapping()
    {
        return mapping;
    }

    @Override
    public void close()
            throws IOException
    {
        if (!closed) {
            closed = true;
            LinuxSyscalls.close(descriptor);
        }
    }
}
