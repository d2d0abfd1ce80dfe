package io.berth.agent.runtime;

import static java.util.Objects.requireNonNull;

/**
 * How a process run in a container ended: its exit code (meaningless when timedOut, the process was killed at its
 * deadline) and what it printed, stdout then stderr, cut to a few KiB (as Docker keeps a health check's output).
 */
public record ExecResult(int exitCode, String output, boolean timedOut)
{
    public static final int MAX_OUTPUT = 4096;

    public ExecResult
    {
        requireNonNull(output, "output is null");
        output = output.length() > MAX_OUTPUT ? output.substring(0, MAX_OUTPUT) : output;
    }

    public boolean succeeded()
    {
        return !timedOut && exitCode == 0;
    }
}
