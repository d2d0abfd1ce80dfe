package io.berth.agent.process;

import java.io.IOException;
import java.io.UncheckedIOException;

import static java.util.Objects.requireNonNull;

/** A command killed at its deadline, with what it printed until then (its exit code is -1). */
public final class HostProcessTimeoutException
        extends UncheckedIOException
{
    private final ProcessOutput partialOutput;

    public HostProcessTimeoutException(String message, ProcessOutput partialOutput)
    {
        super(new IOException(message));
        this.partialOutput = requireNonNull(partialOutput, "partialOutput is null");
    }

    public ProcessOutput partialOutput()
    {
        return partialOutput;
    }
}
