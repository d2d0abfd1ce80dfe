package io.berth.benchmarks;

import io.berth.agent.runtime.CgroupLayout;
import io.berth.cli.up.AllInOne;
import io.berth.cli.up.AllInOneConfig;
import io.berth.testing.OciLayoutImage;
import io.berth.testing.TestImageConfig;
import io.berth.testing.TestImages;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.NetworkMode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A real all-in-one Berth (control plane, agent, local docker-registry) in a scratch data directory, the
 * busybox image pushed into its registry, a cluster and a task definition of {@link BenchmarkContainer},
 * and an AWS SDK ECS client signed with the operator's key. Its cleanup stops every task, closes Berth and
 * sweeps what a failed stop could leave: runc containers, the host's cgroups, mounts and files.
 */
final class BerthUnderTest
{
    static final String CLUSTER = "bench";
    private static final Duration STOP_ALL_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final EcsClient ecs;
    private final String taskDefinitionArn;

    private BerthUnderTest(EcsClient ecs, String taskDefinitionArn)
    {
        this.ecs = requireNonNull(ecs, "ecs is null");
        this.taskDefinitionArn = requireNonNull(taskDefinitionArn, "taskDefinitionArn is null");
    }

    static BerthUnderTest start(CleanupStack cleanup, Path runcBinary, int maxConnections)
            throws IOException, InterruptedException
    {
        Path data = ScratchDirectories.create(cleanup, "berth-bench-data");
        cleanup.push("leftovers of Berth's agent", () -> sweepAgentLeftovers(data, runcBinary));
        AllInOne berth = new AllInOne(AllInOneConfig.defaults(data).withApiPort(0));
        cleanup.push("Berth", () -> berth.stopAllTasksAndClose(STOP_ALL_TIMEOUT));
        berth.start();

        String image = pushBusybox(cleanup, berth.registryAddress());
        EcsClient ecs = EcsClient.builder()
                .endpointOverride(berth.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(berth.operatorKey().accessKeyId(), berth.operatorKey().secretAccessKey())))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(maxConnections))
                // a retried call would hide a failure and stretch a sample
                .overrideConfiguration(configuration -> configuration.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
        cleanup.push("ECS client", ecs::close);

        ecs.createCluster(request -> request.clusterName(CLUSTER));
        String taskDefinitionArn = ecs.registerTaskDefinition(request -> request
                        .family("bench-sleeper")
                        .cpu(Integer.toString(BenchmarkContainer.CPU_UNITS))
                        .memory(Integer.toString(BenchmarkContainer.MEMORY_MIB))
                        .networkMode(NetworkMode.AWSVPC)
                        .requiresCompatibilities(Compatibility.FARGATE)
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("main")
                                .image(image)
                                .essential(true)
                                .command(BenchmarkContainer.COMMAND)
                                .stopTimeout(1)
                                .build()))
                .taskDefinition().taskDefinitionArn();
        return new BerthUnderTest(ecs, taskDefinitionArn);
    }

    EcsClient ecs()
    {
        return ecs;
    }

    String taskDefinitionArn()
    {
        return taskDefinitionArn;
    }

    private static String pushBusybox(CleanupStack cleanup, String registryAddress)
            throws IOException
    {
        Path layout = ScratchDirectories.create(cleanup, "berth-bench-image");
        OciLayoutImage image = TestImages.buildOciLayout(layout.resolve("layout"), "latest", TestImageConfig.busybox());
        return TestImages.push(image, registryAddress, "bench/busybox:latest");
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
