package io.berth.benchmarks;

import io.berth.agent.runtime.CgroupLayout;
import io.berth.cli.up.AllInOne;
import io.berth.cli.up.AllInOneConfig;
import io.berth.controlplane.registry.LoginToken;
import io.berth.testing.TestImages;
import io.berth.testing.TestNetworks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
        Path data = ScratchDirectories.create(cleanup, "berth-bench-data");
        cleanup.push("leftovers of Berth's agent", () -> sweepAgentLeftovers(data, runcBinary));
        // a bridge and subnet of its own, so that it never meets another Berth or a test on this machine
        AllInOne berth = new AllInOne(AllInOneConfig.defaults(data).withApiPort(0)
                .withTaskNetwork(TestNetworks.bridgeName("bbench"), TestNetworks.subnet()));
        cleanup.push("Berth", () -> berth.stopAllTasksAndClose(STOP_ALL_TIMEOUT));
        berth.start();

        // into the operator's own repository of Berth's registry, which the benchmark's tasks (the operator's) pull
        String operator = berth.operatorKey().account().accountId();
        String image = TestImages.pushBusybox(berth.registryAddress(), operator + "/bench/busybox:latest",
                LoginToken.USERNAME, berth.controlPlane().registryLogin(operator).password());
        return BenchmarkCluster.create(cleanup, NAME, berth.endpoint(), berth.operatorKey().accessKeyId(), berth.operatorKey().secretAccessKey(),
                maxConnections, image, List.of());
    }

    /**
     * After Berth closed: any container its runc root still lists (a stop that timed out), then the host's
     * cgroup parent, which Berth keeps for the host's next start but this host never starts again.
     */
    private static void sweepAgentLeftovers(Path data, Path runcBinary)
            throws IOException, InterruptedException
    {
        Path agent = data.resolve("agent");
        Path runcRoot = agent.resolve("runtime").resolve("runc");
        Path output = Files.createTempFile("berth-bench-sweep", ".out");
        try {
            if (Files.isDirectory(runcRoot)) {
                String ids = HostCommands.runOrThrow(List.of(runcBinary.toString(), "--root", runcRoot.toString(), "list", "--quiet"), output, COMMAND_TIMEOUT);
                for (String containerId : ids.strip().lines().filter(line -> !line.isBlank()).toList()) {
                    System.err.println("bench: deleting container " + containerId + " that Berth left running");
                    HostCommands.run(List.of(runcBinary.toString(), "--root", runcRoot.toString(), "delete", "--force", containerId), output, COMMAND_TIMEOUT);
                }
            }
            Path hostIdFile = agent.resolve("host-id");
            if (Files.exists(hostIdFile)) {
                CgroupLayout.host().remove("berth/" + Files.readString(hostIdFile).strip());
            }
        }
        finally {
            Files.deleteIfExists(output);
        }
    }
}
