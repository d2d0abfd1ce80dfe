package io.berth.e2e;

import io.berth.cli.up.AllInOne;
import io.berth.cli.up.AllInOneConfig;
import io.berth.common.files.FileTrees;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.registry.LoginToken;
import io.berth.testing.OciLayoutImage;
import io.berth.testing.TestImages;
import io.berth.testing.TestNetworks;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.AwsVpcConfiguration;
import software.amazon.awssdk.services.ecs.model.NetworkConfiguration;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.Task;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.awaitility.Awaitility.await;

/**
 * A real all-in-one Berth for end-to-end tests: control plane, agent and local registry on this machine,
 * in a temporary data directory, with the busybox test image pushed into the operator's repository of its registry
 * (made public, so every account's tasks may run it). Tests talk to it
 * with the AWS SDK for Java v2, signed with real SigV4.
 */
final class BerthEnvironment
        implements AutoCloseable
{
    private final Path dataDirectory;
    private final int apiPort;
    private final UnaryOperator<ControlPlaneConfig> controlPlaneTuning;
    private final UnaryOperator<AllInOneConfig> configTuning;
    private AllInOne berth;
    private final String image;
    // a bridge and subnet of this environment's own, kept across restarts, so tests never meet a running `berth up`
    private final String bridgeName = TestNetworks.bridgeName("bte2e");
    private final String subnet = TestNetworks.subnet();

    private BerthEnvironment(Path dataDirectory, int apiPort, UnaryOperator<ControlPlaneConfig> controlPlaneTuning, UnaryOperator<AllInOneConfig> configTuning)
            throws IOException
    {
        this.dataDirectory = dataDirectory;
        this.apiPort = apiPort;
        this.controlPlaneTuning = controlPlaneTuning;
        this.configTuning = configTuning;
        this.berth = start();
        // the operator's repository, opened to every account: tests run it as other accounts too
        String operator = berth.operatorKey().account().accountId();
        LoginToken login = berth.controlPlane().registryLogin(operator);
        this.image = TestImages.pushBusybox(berth.registryAddress(), operator + "/e2e/busybox:latest", LoginToken.USERNAME, login.password());
        berth.controlPlane().repositories().setPublic(operator, "e2e/busybox", true);
    }

    /** Pushes the layout's image into the account's repository (its path in the registry: ACCOUNT_ID/NAME) as repoTag; returns the reference. */
    String pushAs(String accountId, OciLayoutImage layout, String repoTag)
            throws IOException
    {
        LoginToken login = berth.controlPlane().registryLogin(accountId);
        return TestImages.push(layout, berth.registryAddress(), accountId + "/" + repoTag, LoginToken.USERNAME, login.password());
    }

    static BerthEnvironment start(Path dataDirectory)
            throws IOException
    {
        return new BerthEnvironment(dataDirectory, FreePorts.any(), UnaryOperator.identity(), UnaryOperator.identity());
    }

    /**
     * A scratch directory to hold a data directory (and the test's own files), which tasks in user namespaces can pass
     * through to their root filesystems.
     */
    static Path scratchDirectory(String prefix)
            throws IOException
    {
        Path scratch = Files.createTempDirectory(prefix);
        Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwx--x--x"));
        return scratch;
    }

    /** With `berth up` options adjusted, e.g. a small --max-image-size. */
    static BerthEnvironment startConfigured(Path dataDirectory, UnaryOperator<AllInOneConfig> configTuning)
            throws IOException
    {
        return new BerthEnvironment(dataDirectory, FreePorts.any(), UnaryOperator.identity(), configTuning);
    }

    /** With control plane settings adjusted, e.g. a short placement timeout. */
    static BerthEnvironment start(Path dataDirectory, UnaryOperator<ControlPlaneConfig> controlPlaneTuning)
            throws IOException
    {
        return new BerthEnvironment(dataDirectory, FreePorts.any(), controlPlaneTuning, UnaryOperator.identity());
    }

    /** With both `berth up` options and control plane settings adjusted. */
    static BerthEnvironment start(Path dataDirectory, UnaryOperator<ControlPlaneConfig> controlPlaneTuning, UnaryOperator<AllInOneConfig> configTuning)
            throws IOException
    {
        return new BerthEnvironment(dataDirectory, FreePorts.any(), controlPlaneTuning, configTuning);
    }

    private AllInOne start()
            throws IOException
    {
        AllInOne started = new AllInOne(configTuning.apply(AllInOneConfig.defaults(dataDirectory).withApiPort(apiPort).withStoppedTaskRetention(Duration.ofHours(1))
                .withTaskNetwork(bridgeName, subnet)), controlPlaneTuning);
        started.start();
        return started;
    }

    AllInOne berth()
    {
        return berth;
    }

    /** An image reference of the busybox test image in this Berth's registry. */
    String image()
    {
        return image;
    }

    /**
     * Registers the task definition family "sleeper" through {@code ecs}: a Fargate task of 256 CPU units and
     * 512 MiB on awsvpc, whose one container runs the test image's {@code sleep 600} and stops at once on the SIGTERM of
     * a stop (a shell that traps it: sleep as the first process of its pid namespace would ignore it until the 2 s
     * stop timeout).
     */
    void registerSleeper(EcsClient ecs)
    {
        ecs.registerTaskDefinition(request -> request
                .family("sleeper")
                .cpu("256")
                .memory("512")
                .networkMode(NetworkMode.AWSVPC)
                .requiresCompatibilities(Compatibility.FARGATE)
                .containerDefinitions(ContainerDefinition.builder().name("main").image(image).essential(true)
                        .command(List.of("sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait")).stopTimeout(2).build()));
    }

    /** Stops all of Berth (control plane, agent, registry) and starts it again on the same data directory. */
    void restart()
            throws IOException
    {
        berth.close();
        berth = start();
    }

    EcsClient operatorClient()
    {
        return client(berth.operatorKey().accessKeyId(), berth.operatorKey().secretAccessKey());
    }

    EcsClient client(String accessKeyId, String secretAccessKey)
    {
        return client(accessKeyId, secretAccessKey, Region.US_EAST_1);
    }

    /** A client that signs for the given region (the region of the credential scope, which goes into ARNs). */
    EcsClient client(String accessKeyId, String secretAccessKey, Region region)
    {
        return EcsClient.builder()
                .endpointOverride(berth.endpoint())
                .region(region)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey)))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    /** An ECR client of this Berth's registry API (the same endpoint as ECS), signed with the given keys. */
    EcrClient ecr(String accessKeyId, String secretAccessKey)
    {
        return ecr(accessKeyId, secretAccessKey, Region.US_EAST_1);
    }

    EcrClient ecr(String accessKeyId, String secretAccessKey, Region region)
    {
        return EcrClient.builder()
                .endpointOverride(berth.endpoint())
                .region(region)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey)))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    /** A Secrets Manager client of this Berth (the same endpoint as ECS), signed with the given keys. */
    SecretsManagerClient secretsManager(AccountKeys keys)
    {
        return SecretsManagerClient.builder()
                .endpointOverride(berth.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey())))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    /** An SSM (Parameter Store) client of this Berth, signed with the given keys. */
    SsmClient ssm(AccountKeys keys)
    {
        return SsmClient.builder()
                .endpointOverride(berth.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey())))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    /**
     * Registers a Fargate task definition of 256 CPU units and 512 MiB on awsvpc whose one essential container,
     * "main", runs {@code command} in {@code image} and stops within 2 s; returns its ARN.
     */
    static String registerSingleContainer(EcsClient ecs, String family, String image, List<String> command)
    {
        ContainerDefinition container = ContainerDefinition.builder().name("main").image(image).essential(true).command(command).stopTimeout(2).build();
        return ecs.registerTaskDefinition(request -> request
                        .family(family)
                        .cpu("256")
                        .memory("512")
                        .networkMode(NetworkMode.AWSVPC)
                        .requiresCompatibilities(Compatibility.FARGATE)
                        .containerDefinitions(container))
                .taskDefinition().taskDefinitionArn();
    }

    /**
     * The networkConfiguration an awsvpc RunTask must carry, as on Fargate. Berth gives the task its own address on
     * its task network whatever subnet is named; the subnet id is echoed in the task's networkConfiguration.
     */
    static NetworkConfiguration awsvpc()
    {
        return NetworkConfiguration.builder()
                .awsvpcConfiguration(AwsVpcConfiguration.builder().subnets("subnet-berth").assignPublicIp(AssignPublicIp.DISABLED).build())
                .build();
    }

    /** Runs one Fargate task of the definition and waits until it is STOPPED. */
    static Task runToStop(EcsClient ecs, String cluster, String taskDefinition, Duration timeout)
    {
        String taskArn = ecs.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(cluster).taskDefinition(taskDefinition).launchType(LaunchType.FARGATE)).tasks().get(0).taskArn();
        return awaitStatus(ecs, cluster, taskArn, "STOPPED", timeout);
    }

    static Task awaitStatus(EcsClient ecs, String cluster, String taskArn, String status, Duration timeout)
    {
        return await().atMost(timeout).pollInterval(Duration.ofMillis(200))
                .until(() -> describe(ecs, cluster, taskArn), task -> task != null && task.lastStatus().equals(status));
    }

    static Task describe(EcsClient ecs, String cluster, String taskArn)
    {
        DescribeTasksResponse response = ecs.describeTasks(request -> request.cluster(cluster).tasks(taskArn));
        List<Task> tasks = response.tasks();
        return tasks.isEmpty() ? null : tasks.get(0);
    }

    String subnet()
    {
        return subnet;
    }

    String bridgeName()
    {
        return bridgeName;
    }

    Path dataDirectory()
    {
        return dataDirectory;
    }

    @Override
    public void close()
            throws IOException
    {
        berth.stopAllTasksAndClose(Duration.ofSeconds(60));
        FileTrees.deleteRecursively(dataDirectory);
    }
}
