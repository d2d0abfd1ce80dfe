package io.berth.agent.rootfs;

import io.berth.agent.process.HostProcess;
import io.berth.agent.process.ProcessOutput;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Runs mount and umount: the commands do the syscalls for us, so the agent needs no native code. A mount that
 * hangs (a wedged filesystem) is killed at the deadline and reported, so no task waits on it forever.
 */
final class HostCommand
{
    static final Duration DEADLINE = Duration.ofSeconds(30);

    private HostCommand() {}

    static CommandResult run(Path workingDirectory, List<String> command)
            throws IOException
    {
        return run(workingDirectory, command, DEADLINE);
    }

    static CommandResult run(Path workingDirectory, List<String> command, Duration deadline)
            throws IOException
    {
        try {
            ProcessOutput output = HostProcess.run(command, workingDirectory, null, null, deadline);
            String printed = (output.stdout().strip() + "\n" + output.stderr().strip()).strip();
            return new CommandResult(output.exitCode(), printed);
        }
        catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
