package io.berth.agent.rootfs;

import static java.util.Objects.requireNonNull;

/** How a host command ended: its exit code and what it printed, merged stdout and stderr. */
record CommandResult(int exitCode, String output)
{
    CommandResult
    {
        requireNonNull(output, "output is null");
    }

    boolean succeeded()
    {
        return exitCode == 0;
    }
}
