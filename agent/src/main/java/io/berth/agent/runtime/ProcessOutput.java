package io.berth.agent.runtime;

import static java.util.Objects.requireNonNull;

/** How a host command ended. */
record ProcessOutput(int exitCode, String stdout, String stderr)
{
    ProcessOutput
    {
        requireNonNull(stdout, "stdout is null");
        requireNonNull(stderr, "stderr is null");
    }

    boolean succeeded()
    {
        return exitCode == 0;
    }
}
