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

/**
 * The runtime commands the agent needs (runc's command line, which runsc shares), all with the runtime's global
 * options and against one private state root.
 */
final class RuncClient
{
    private final OciRuntime runtime;
    private final Path runcRoot;

    RuncClient(OciRuntime runtime, Path runcRoot)
    {
        this.runtime = requireNonNull(runtime, "runtime is null");
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
            throw new UncheckedIOException(new IOException(runtime.name() + " state " + containerId + " failed: " + RuncMessages.fromStderr(output.stderr())));
        }
        try {
            JsonNode state = Json.mapper().readTree(output.stdout());
            return Optional.of(new RuncState(state.path("status").asText(), state.path("pid").asInt()));
        }
        catch (IOException e) {
            throw new UncheckedIOException(runtime.name() + " state " + containerId + " printed something that is not JSON", e);
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

    /**
     * Runs the process described by processFile (an OCI process: the container's own with other args) in the running
     * container, writing its pid to pidFile. Throws {@link UncheckedIOException} when it does not end within timeout
     * (the runtime's exec is killed then, not the process in the container: see {@link #killExec}).
     */
    ProcessOutput exec(String containerId, Path processFile, Path pidFile, Duration timeout, Optional<ExecNamespaces.Plan> namespaces)
    {
        List<String> command = new ArrayList<>(namespaces.map(ExecNamespaces.Plan::prefix).orElse(List.of()));
        command.add(runtime.binary().toString());
        command.addAll(runtime.globalArguments());
        command.addAll(List.of("--root", namespaces.map(plan -> plan.stateRoot().toString()).orElse(runcRoot.toString())));
        command.addAll(List.of("exec", "--process", processFile.toString(), runtime.execPidFileOption(), pidFile.toString(), containerId));
        return HostProcess.run(command, timeout);
    }

    /** Kills a process exec started in the container, by the pid its pid file holds; false when none was killed. */
    boolean killExec(String containerId, long pid)
    {
        if (runtime.tier() == io.berth.common.agentprotocol.IsolationTier.SANDBOX) {
            return run("kill", "--pid", Long.toString(pid), containerId, "9").succeeded();
        }
        return ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false);
    }

    ProcessOutput forceDelete(String containerId)
    {
        return run("delete", "--force", containerId);
    }

    private ProcessOutput run(String... arguments)
    {
        List<String> command = new ArrayList<>();
        command.add(runtime.binary().toString());
        command.addAll(runtime.globalArguments());
        command.addAll(List.of("--root", runcRoot.toString()));
        command.addAll(List.of(arguments));
        return HostProcess.run(command, runtime.commandDeadline());
    }
}
