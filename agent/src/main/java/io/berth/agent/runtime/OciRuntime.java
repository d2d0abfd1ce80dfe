package io.berth.agent.runtime;

import io.berth.common.agentprotocol.IsolationTier;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * An OCI runtime binary and the global options every call of it takes, for one isolation tier. conmon runs its
 * create, the agent its state, start, kill and delete, all with the same options, so the runtime's flavour is
 * data here rather than a class of its own.
 */
public record OciRuntime(IsolationTier tier, Path binary, List<String> globalArguments, Duration commandDeadline)
{
    /** How long one runtime command (state, start, kill, delete) may take before the agent gives up on it. */
    public static final Duration DEFAULT_COMMAND_DEADLINE = Duration.ofSeconds(30);

    public static final Path DEFAULT_RUNC = Path.of("/usr/sbin/runc");
    public static final Path DEFAULT_RUNSC = Path.of("/usr/bin/runsc");

    /**
     * runsc's options. {@code --network=host}: the sentry uses the host kernel's network stack of the task's own
     * network namespace, because gVisor's netstack (the default, {@code --network=sandbox}) refuses to start on
     * this project's kernels: the 2022-12 runsc takes every namespace for the root one when
     * /proc/sys/net/core/rmem_default exists, which newer kernels have in each. {@code --oci-seccomp}: the spec's
     * seccomp profile is applied to the task's system calls inside the sandbox too (runsc ignores it otherwise).
     * {@code --platform=ptrace}: the only platform without /dev/kvm.
     */
    static final List<String> RUNSC_ARGUMENTS = List.of("--network=host", "--oci-seccomp", "--platform=ptrace");

    public OciRuntime
    {
        requireNonNull(tier, "tier is null");
        requireNonNull(binary, "binary is null");
        globalArguments = List.copyOf(globalArguments);
        requireNonNull(commandDeadline, "commandDeadline is null");
        if (commandDeadline.isNegative() || commandDeadline.isZero()) {
            throw new IllegalArgumentException("commandDeadline must be positive: " + commandDeadline);
        }
    }

    /** runc: the container tier. */
    public static OciRuntime runc(Path binary)
    {
        return new OciRuntime(IsolationTier.CONTAINER, binary, List.of(), DEFAULT_COMMAND_DEADLINE);
    }

    /** gVisor's runsc: the sandbox tier. */
    public static OciRuntime runsc(Path binary)
    {
        return new OciRuntime(IsolationTier.SANDBOX, binary, RUNSC_ARGUMENTS, DEFAULT_COMMAND_DEADLINE);
    }

    /** The same runtime with another deadline per command: a fault-injection test need not wait out the default. */
    public OciRuntime withCommandDeadline(Duration deadline)
    {
        return new OciRuntime(tier, binary, globalArguments, deadline);
    }

    /**
     * The exec option that writes the pid of the process it runs, in the form {@link RuncClient#killExec} needs:
     * runc's is the host pid; runsc's process lives inside the sandbox, so its pid there (what {@code runsc kill --pid}
     * takes).
     */
    String execPidFileOption()
    {
        return tier == IsolationTier.SANDBOX ? "--internal-pid-file" : "--pid-file";
    }

    /** The binary's name, for messages: "runc", "runsc". */
    public String name()
    {
        return binary.getFileName().toString();
    }
}
