package io.berth.e2e;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.Task;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A real all-in-one Berth ({@link BerthEnvironment}) with an operator's ECS client and one cluster, started once
 * for a test class: register it as a static {@code @RegisterExtension} field. Also the steps most tests take on it:
 * register a Fargate task definition, run it, and wait for a status.
 */
final class BerthCluster
        implements BeforeAllCallback, AfterAllCallback
{
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final String cluster;
    private BerthEnvironment environment;
    private EcsClient ecs;

    BerthCluster(String cluster)
    {
        this.cluster = requireNonNull(cluster, "cluster is null");
    }

    @Override
    public void beforeAll(ExtensionContext context)
            throws Exception
    {
        environment = BerthEnvironment.start(Files.createTempDirectory("berth-e2e-" + cluster));
        ecs = environment.operatorClient();
        ecs.createCluster(request -> request.clusterName(cluster));
    }

    @Override
    public void afterAll(ExtensionContext context)
            throws Exception
    {
        if (ecs != null) {
            ecs.close();
            ecs = null;
        }
        if (environment != null) {
            environment.close();
            environment = null;
        }
    }

    String cluster()
    {
        return cluster;
    }

    BerthEnvironment environment()
    {
        return environment;
    }

    EcsClient ecs()
    {
        return ecs;
    }

    /** Registers an awsvpc task definition for Fargate of the given size; returns its ARN. */
    String registerFargate(String family, String cpu, String memory, List<ContainerDefinition> containers)
    {
        return ecs.registerTaskDefinition(request -> request
                        .family(family)
                        .cpu(cpu)
                        .memory(memory)
                        .networkMode(NetworkMode.AWSVPC)
                        .requiresCompatibilities(Compatibility.FARGATE)
                        .containerDefinitions(containers))
                .taskDefinition().taskDefinitionArn();
    }

    /** Runs one task of the definition on this cluster with the Fargate launch type; returns its ARN. */
    String runFargate(String taskDefinition)
    {
        return ecs.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(cluster).taskDefinition(taskDefinition).launchType(LaunchType.FARGATE)).tasks().get(0).taskArn();
    }

    /** Waits up to {@link #TIMEOUT} for the task on this cluster to reach the status. */
    Task awaitStatus(String taskArn, String status)
    {
        return BerthEnvironment.awaitStatus(ecs, cluster, taskArn, status, TIMEOUT);
    }
}
