package io.berth.benchmarks;

import io.berth.agent.runtime.CgroupLayout;
import io.berth.agent.runtime.OciRuntime;
import io.berth.cli.up.AllInOne;
import io.berth.cli.up.AllInOneConfig;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.registry.LoginToken;
import io.berth.testing.TestImages;
import io.berth.testing.TestNetworks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A real all-in-one Berth (control plane, agent, local docker-registry) in a scratch data directory and in this
 * JVM, the busybox image pushed into its registry, and the {@link BenchmarkCluster} on it. Its cleanup stops
 * every task, closes Berth and sweeps what a failed stop could leave: runc containers, the host's cgroups,
 * mounts and files.
 */
final class BerthUnderTest
{
    static final String NAME = "Berth";
    private static final Duration STOP_ALL_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private BerthUnderTest() {}

    static BenchmarkCluster start(CleanupStack cleanup, Path runcBinary, int maxConnections)
            throws IOException
    {
        return start(cleanup, runcBinary, maxConnections, UnaryOperator.identity()).cluster();
    }

    /** The Berth and its busybox image, for benchmarks that add task definitions of their own (berth: for other APIs' clients). */
    record Started(BenchmarkCluster cluster, String image, AllInOne berth) {}

    static Started start(CleanupStack cleanup, Path runcBinary, int maxConnections, UnaryOperator<AllInOneConfig> tuning)
            throws IOException
    {
        return start(cleanup, runcBinary, maxConnections, tuning, UnaryOperator.identity());
    }

    static Started start(CleanupStack cleanup, Path runcBinary, int maxConnections, UnaryOperator<AllInOneConfig> tuning,
            UnaryOperator<ControlPlaneConfig> controlPlaneTuning)
            throws IOException
    {
        Path data = ScratchDirectories.create(cleanup, "berth-bench-data");
        cleanup.push("leftovers of Berth's agent", () -> sweepAgentLeftovers(data, runcBinary));
        // a bridge and subnet of its own, so that it never meets another Berth or a test on this machine
        AllInOne berth = new AllInOne(tuning.apply(AllInOneConfig.defaults(data).withApiPort(0)
                .withTaskNetwork(TestNetworks.bridgeName("bbench"), TestNetworks.subnet())), controlPlaneTuning);
        cleanup.push("Berth", () -> berth.stopAllTasksAndClose(STOP_ALL_TIMEOUT));
        berth.start();

        // into the operator's own repository of Berth's registry, which the benchmark's tasks (the operator's) pull
        String operator = berth.operatorKey().account().accountId();
        String image = TestImages.pushBusybox(berth.registryAddress(), operator + "/bench/busybox:latest",
                LoginToken.USERNAME, berth.controlPlane().registryLogin(operator).password());
        return new Started(BenchmarkCluster.create(cleanup, NAME, berth.endpoint(), berth.operatorKey().accessKeyId(), berth.operatorKey().secretAccessKey(),
                maxConnections, image, List.of()), image, berth);
    }

    /**
     * After Berth closed: any container its runtimes' roots still list (a stop that timed out), then the host's
     * cgroup parent, which Berth keeps for the host's next start but this host never starts again.
     */
    private static void sweepAgentLeftovers(Path data, Path runcBinary)
            throws IOException, InterruptedException
    {
        Path agent = data.resolve("agent");
        Path output = Files.createTempFile("berth-bench-sweep", ".out");
        try {
            sweep(agent.resolve("runtime").resolve("runc"), runcBinary, output);
            sweep(agent.resolve("runtime-sandbox").resolve("runc"), OciRuntime.DEFAULT_RUNSC, output);
            Path hostIdFile = agent.resolve("host-id");
            if (Files.exists(hostIdFile)) {
                CgroupLayout.host().remove("berth/" + Files.readString(hostIdFile).strip());
            }
        }
        finally {
            Files.deleteIfExists(output);
        }
    }

    private static void sweep(Path root, Path binary, Path output)
            throws IOException, InterruptedException
    {
        if (!Files.isDirectory(root)) {
            return;
        }
        String ids = HostCommands.runOrThrow(List.of(binary.toString(), "--root", root.toString(), "list", "--quiet"), output, COMMAND_TIMEOUT);
        for (String containerId : ids.strip().lines().filter(line -> !line.isBlank()).toList()) {
            System.err.println("bench: deleting container " + containerId + " that Berth left running");
            HostCommands.run(List.of(binary.toString(), "--root", root.toString(), "delete", "--force", containerId), output, COMMAND_TIMEOUT);
        }
    }
}
