package io.berth.cli.agent;

import io.berth.agent.runtime.OciRuntime;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * Which OCI runtimes this host's tasks may run with (a picocli mixin for `berth agent` and `berth up`): runc always,
 * and gVisor's runsc for the sandbox isolation tier when the binary answers `runsc --version`.
 */
public final class RuntimeOptions
{
    @Option(names = "--runsc", paramLabel = "PATH",
            description = "gVisor's runsc, which gives this host the sandbox isolation tier; a path that does not exist or does not answer leaves the host at the container tier (default: ${DEFAULT-VALUE}).",
            defaultValue = "/usr/bin/runsc")
    Path runscBinary = OciRuntime.DEFAULT_RUNSC;

    public Path runscBinary()
    {
        return runscBinary.toAbsolutePath();
    }
}
