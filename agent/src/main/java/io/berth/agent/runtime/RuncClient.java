package io.berth.agent.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.agent.process.HostProcess;
import io.berth.agent.process.ProcessOutput;
import io.berth.common.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** The runc commands the runtime needs, all against one private runc state root. */
final class RuncClient
{
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Path runcBinary;
    private final Path runcRoot;

    RuncClient(Path runcBinary, Path runcRoot)
    {
        this.runcBinary = requireNonNull(runcBinary, "runcBinary is null");
        this.runcRoot = requireNonNull(runcRoot, "runcRoot is null");
    }

    Path runcRoot()
    {
        return runcRoot;
    }

    Optional<RuncState> state(String containerId)
    {
        ProcessOutput output = run("state", containerId);
        if (!output.succeeded()) {
            if (output.stderr().contains("does not exist")) {
                return Optional.empty();
            }
            throw new UncheckedIOException(new IOException("runc state " + containerId + " failed: " + RuncMessages.fromStderr(output.stderr())));
        }
        try {
            JsonNode state = Json.mapper().readTree(output.stdout());
            return Optional.of(new RuncState(state.path("status").asText(), state.path("pid").asInt()));
        }
        catch (IOException e) {
            throw new UncheckedIOException("runc state " + containerId + " printed something that is not JSON", e);
        }
    }

    ProcessOutput start(String containerId)
    {
        return run("start", containerId);
    }

    ProcessOutput kill(String containerId, int signal)
    {
        return run("kill", containerId, Integer.toString(signal));
    }

    ProcessOutput forceDelete(String containerId)
    {
        return run("delete", "--force", containerId);
    }

    private ProcessOutput run(String... arguments)
    {
        List<String> command = new ArrayList<>(List.of(runcBinary.toString(), "--root", runcRoot.toString()));
        command.addAll(List.of(arguments));
        return HostProcess.run(command, TIMEOUT);
    }
}
