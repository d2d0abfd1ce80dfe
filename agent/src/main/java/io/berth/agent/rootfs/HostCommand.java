package io.berth.agent.rootfs;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Runs mount and umount: the commands do the syscalls for us, so the agent needs no native code. */
final class HostCommand
{
    private HostCommand() {}

    static CommandResult run(Path workingDirectory, List<String> command)
            throws IOException
    {
        Process process = new ProcessBuilder(command)
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return new CommandResult(process.waitFor(), output);
        }
        catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while running " + command.getFirst());
        }
    }
}
