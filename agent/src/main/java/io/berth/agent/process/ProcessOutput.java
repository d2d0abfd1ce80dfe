package io.berth.agent.process;

import static java.util.Objects.requireNonNull;

/** How a host command ended. */
public record ProcessOutput(int exitCode, String stdout, String stderr)
{
    public ProcessOutput
    {
        requireNonNull(stdout, "stdout is null");
        requireNonNull(stderr, "stderr is null");
    }

    public boolean succeeded()
    {
        return exitCode == 0;
    }

    /** What the command said about a failure: stderr, or stdout when stderr is empty. */
    public String message()
    {
        String error = stderr.strip();
        return error.isEmpty() ? stdout.strip() : error;
    }
}
