package io.berth.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientConfig;
import io.berth.common.sigv4.SigV4Credentials;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.NetworkConfiguration;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.PlacementStrategy;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Tag;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * A Berth the benchmark starts tasks on, as a client sees it: a name for the report ("Berth" for the all-in-one,
 * "Fleet" for three agents), an ECS client and an admin client signed with the operator's key, the cluster and
 * the task definition of {@link BenchmarkContainer}, and the placement strategy every RunTask asks for.
 */
record BenchmarkCluster(String name, EcsClient ecs, BerthClient admin, String cluster, String taskDefinitionArn, List<PlacementStrategy> placementStrategies)
{
    /** Fargate requires a networkConfiguration for awsvpc tasks; Berth places them on its own task network whatever the subnet id. */
    static final NetworkConfiguration AWSVPC = NetworkConfiguration.builder()
            .awsvpcConfiguration(configuration -> configuration.subnets("subnet-berth"))
            .build();

    static final String CLUSTER = "bench";

    BenchmarkCluster
    {
        requireNonNull(name, "name is null");
        requireNonNull(ecs, "ecs is null");
        requireNonNull(admin, "admin is null");
        requireNonNull(cluster, "cluster is null");
        requireNonNull(taskDefinitionArn, "taskDefinitionArn is null");
        placementStrategies = List.copyOf(placementStrategies);
    }

    /**
     * Clients for a Berth at endpoint (closed by the cleanup), the cluster, and the benchmark's task definition on
     * image. The ECS client never retries: a retried call would hide a failure and stretch a sample.
     */
    static BenchmarkCluster create(CleanupStack cleanup, String name, URI endpoint, String accessKeyId, String secretAccessKey, int maxConnections,
            String image, List<PlacementStrategy> placementStrategies)
    {
        EcsClient ecs = EcsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey)))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(maxConnections))
                .overrideConfiguration(configuration -> configuration.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
        cleanup.push(name + " ECS client", ecs::close);
        BerthClient admin = new BerthClient(new BerthClientConfig(endpoint, new SigV4Credentials(accessKeyId, secretAccessKey), "us-east-1"), Clock.systemUTC());
        cleanup.push(name + " admin client", admin::close);

        ecs.createCluster(request -> request.clusterName(CLUSTER));
        String taskDefinitionArn = registerSleeper(ecs, "bench-sleeper", image, List.of());
        return new BenchmarkCluster(name, ecs, admin, CLUSTER, taskDefinitionArn, placementStrategies);
    }

    /** Registers {@link BenchmarkContainer} as a Fargate task definition of the family, with the tags; returns its ARN. */
    private static String registerSleeper(EcsClient ecs, String family, String image, List<Tag> tags)
    {
        return ecs.registerTaskDefinition(request -> request
                        .family(family)
                        .cpu(Integer.toString(BenchmarkContainer.CPU_UNITS))
                        .memory(Integer.toString(BenchmarkContainer.MEMORY_MIB))
                        .networkMode(NetworkMode.AWSVPC)
                        .requiresCompatibilities(Compatibility.FARGATE)
                        .tags(tags)
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("main")
                                .image(image)
                                .essential(true)
                                .command(BenchmarkContainer.COMMAND)
                                .stopTimeout(1)
                                .build()))
                .taskDefinition().taskDefinitionArn();
    }

    /**
     * The same Berth and cluster, running the benchmark container at the sandbox tier: a second task definition
     * that asks for it with the berth:isolation tag.
     */
    BenchmarkCluster sandboxed(String sandboxName, String image)
    {
        String sandboxDefinition = registerSleeper(ecs, "bench-sleeper-sandbox", image,
                List.of(Tag.builder().key("berth:isolation").value("sandbox").build()));
        return new BenchmarkCluster(sandboxName, ecs, admin, cluster, sandboxDefinition, placementStrategies);
    }

    /** RunTask of count benchmark tasks, with the placement strategy when there is one (else Berth's default). */
    RunTaskResponse runTask(int count)
    {
        return ecs.runTask(request -> {
            request.cluster(cluster).taskDefinition(taskDefinitionArn).count(count).networkConfiguration(AWSVPC);
            if (!placementStrategies.isEmpty()) {
                request.placementStrategy(placementStrategies);
            }
        });
    }

    /** The host the control plane placed a task on (the operator's placement report). */
    String hostOf(String taskArn)
    {
        String taskId = taskArn.substring(taskArn.lastIndexOf('/') + 1);
        return admin.admin("GET", "/berth/tasks/" + BerthClient.pathSegment(taskId) + "/placement", Map.of(), null).path("hostId").asText("?");
    }

    /** The hosts' ids and the tasks each holds now, as `berth host ls` shows them. */
    Map<String, Integer> tasksPerHost()
    {
        Map<String, Integer> tasks = new TreeMap<>();
        for (JsonNode host : admin.admin("GET", "/berth/hosts", Map.of(), null).path("hosts")) {
            tasks.put(host.path("hostId").asText(), host.path("runningTasks").asInt());
        }
        return tasks;
    }
}
