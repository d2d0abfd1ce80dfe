package io.berth.agent.runtime;

import io.berth.agent.process.HostProcess;
import io.berth.agent.process.ProcessOutput;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Whether an OCI runtime binary is there and answers: a host offers a tier only when its runtime does, so a
 * missing, broken or hanging runsc leaves the host at the container tier (and the scheduler places sandbox tasks
 * elsewhere) instead of failing every sandbox task it would get.
 */
public final class RuntimeProbe
{
    public static final Duration DEADLINE = Duration.ofSeconds(10);

    private RuntimeProbe() {}

    /** Empty when `binary --version` succeeds within the deadline; otherwise what is wrong, for the operator's log. */
    public static Optional<String> problem(Path binary, Duration deadline)
    {
        if (!Files.isRegularFile(binary)) {
            return Optional.of(binary + " does not exist");
        }
        if (!Files.isExecutable(binary)) {
            return Optional.of(binary + " is not executable");
        }
        ProcessOutput output;
        try {
            output = HostProcess.run(java.util.List.of(binary.toString(), "--version"), deadline);
        }
        catch (UncheckedIOException e) {
            return Optional.of(e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
        }
        if (!output.succeeded()) {
            return Optional.of(binary + " --version failed with exit code " + output.exitCode() + ": " + output.message());
        }
        return Optional.empty();
    }
}
