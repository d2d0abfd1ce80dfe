package io.berth.testing;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The shape of a {@link LocalFleet}: how many agent hosts, the capacity each offers to tasks, the repository and
 * tag the busybox test image is pushed as, how its berth JVMs run, and how many `berth server` replicas run (more than one
 * needs a shared store: pass --store jdbc:postgresql://... among the server arguments).
 */
public record LocalFleetOptions(
        int hostCount,
        int agentCpuUnits,
        long agentMemoryMiB,
        String imageRepositoryTag,
        BerthJvm jvm,
        List<String> extraServerArguments,
        AgentArguments extraAgentArguments,
        int controlPlanes)
{
    /** Further options for agent i, which may name the fleet's test network (its bridge, say). */
    @FunctionalInterface
    public interface AgentArguments
    {
        List<String> forAgent(int index, TestNetwork network);
    }

    public LocalFleetOptions
    {
        extraServerArguments = List.copyOf(extraServerArguments);
        requireNonNull(extraAgentArguments, "extraAgentArguments is null");
        if (hostCount < 1 || agentCpuUnits < 1 || agentMemoryMiB < 1) {
            throw new IllegalArgumentException("a fleet needs at least one host, and each host some cpu and memory");
        }
        requireNonNull(imageRepositoryTag, "imageRepositoryTag is null");
        requireNonNull(jvm, "jvm is null");
        if (controlPlanes < 1) {
            throw new IllegalArgumentException("a fleet needs at least one control plane");
        }
    }

    /** One control plane. */
    public LocalFleetOptions(int hostCount, int agentCpuUnits, long agentMemoryMiB, String imageRepositoryTag, BerthJvm jvm, List<String> extraServerArguments,
            AgentArguments extraAgentArguments)
    {
        this(hostCount, agentCpuUnits, agentMemoryMiB, imageRepositoryTag, jvm, extraServerArguments, extraAgentArguments, 1);
    }

    /** hostCount small hosts (1 vCPU, 2 GiB each) running the test JVMs. */
    public static LocalFleetOptions forTests(int hostCount)
    {
        return new LocalFleetOptions(hostCount, 1024, 2048, "fleet/busybox:latest", BerthJvm.forTests(), List.of(), (index, network) -> List.of(), 1);
    }

    public LocalFleetOptions withAgentCapacity(int cpuUnits, long memoryMiB)
    {
        return new LocalFleetOptions(hostCount, cpuUnits, memoryMiB, imageRepositoryTag, jvm, extraServerArguments, extraAgentArguments, controlPlanes);
    }

    public LocalFleetOptions withServerArguments(List<String> arguments)
    {
        return new LocalFleetOptions(hostCount, agentCpuUnits, agentMemoryMiB, imageRepositoryTag, jvm, arguments, extraAgentArguments, controlPlanes);
    }

    public LocalFleetOptions withAgentArguments(AgentArguments arguments)
    {
        return new LocalFleetOptions(hostCount, agentCpuUnits, agentMemoryMiB, imageRepositoryTag, jvm, extraServerArguments, arguments, controlPlanes);
    }

    /** count `berth server` replicas on one store (given with --store in the server arguments); agents join the first. */
    public LocalFleetOptions withControlPlanes(int count)
    {
        return new LocalFleetOptions(hostCount, agentCpuUnits, agentMemoryMiB, imageRepositoryTag, jvm, extraServerArguments, extraAgentArguments, count);
    }
}
