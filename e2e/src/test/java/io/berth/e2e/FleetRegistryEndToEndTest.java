package io.berth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.client.BerthClient;
import io.berth.common.files.FileTrees;
import io.berth.common.json.Json;
import io.berth.testing.OciLayoutImage;
import io.berth.testing.TestImageConfig;
import io.berth.testing.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.Repository;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Task;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * `berth server`'s registry serves a fleet: an account makes an ECR repository through the AWS SDK against the
 * server, pushes to it with skopeo logged in with GetAuthorizationToken's password, and its task runs from it on an
 * agent host in another network namespace (the agents were told nothing about the registry: the control plane's
 * host serves it); another account's task of that image stops with CannotPullContainerError and never starts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetRegistryEndToEndTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final String CLUSTER = "fleet-registry";
    private static final String SECRET = "fleet-secret-of-a";

    private Path work;
    private TestFleet fleet;
    private Keys a;
    private Keys b;

    private record Keys(String accountId, String accessKeyId, String secretAccessKey) {}

    @BeforeAll
    void start()
            throws Exception
    {
        work = Files.createTempDirectory("berth-e2e-fleet-registry-");
        fleet = TestFleet.start(2);
        a = createAccount("fleet-registry-a");
        b = createAccount("fleet-registry-b");
    }

    @AfterAll
    void stop()
            throws Exception
    {
        try {
            if (fleet != null) {
                // stops the tasks, removes what the agents left, the server's registry included
                fleet.close();
            }
        }
        finally {
            if (work != null) {
                FileTrees.deleteRecursively(work);
            }
        }
    }

    @Test
    void anAccountPushesToTheServersRegistryAndOnlyItsTasksRunTheImageOnTheFleet()
            throws Exception
    {
        // berth.env names the registry on the server's address, where the agents' namespaces reach it
        String registry = fleet.operatorEnvironment().get("BERTH_REGISTRY");
        assertThat(registry).startsWith(fleet.network().hostAddress() + ":");

        Repository repository;
        String password;
        try (EcrClient ecr = ecr(a)) {
            repository = ecr.createRepository(request -> request.repositoryName("fleet/app")).repository();
            String token = new String(Base64.getDecoder().decode(ecr.getAuthorizationToken().authorizationData().get(0).authorizationToken()), UTF_8);
            assertThat(token).startsWith("AWS:");
            password = token.substring("AWS:".length());
        }
        assertThat(repository.repositoryUri()).isEqualTo(registry + "/" + a.accountId() + "/fleet/app");

        OciLayoutImage image = TestImages.buildOciLayout(work.resolve("layout"), "1", TestImageConfig.busybox().withFile("/secret", SECRET));
        Path authFile = work.resolve("auth.json");
        HostCommand login = HostCommand.run(List.of("skopeo", "login", "--tls-verify=false", "--authfile", authFile.toString(), "--username", "AWS", "--password-stdin", registry),
                Map.of(), password, COMMAND_TIMEOUT);
        assertThat(login.exitCode()).as(login.output()).isZero();
        String reference = repository.repositoryUri() + ":1";
        HostCommand copy = HostCommand.run(List.of("skopeo", "--insecure-policy", "copy", "--dest-tls-verify=false", "--dest-authfile", authFile.toString(),
                "oci:" + image.layout() + ":" + image.tag(), "docker://" + reference), Map.of(), null, COMMAND_TIMEOUT);
        assertThat(copy.exitCode()).as(copy.output()).isZero();
        try (EcrClient ecr = ecr(a)) {
            assertThat(ecr.listImages(request -> request.repositoryName("fleet/app")).imageIds()).singleElement()
                    .satisfies(id -> assertThat(id.imageTag()).isEqualTo("1"));
        }

        try (EcsClient ecsA = ecs(a); EcsClient ecsB = ecs(b)) {
            String taskArn = run(ecsA, "fleet-own", reference, "cat /secret; echo; trap 'exit 0' TERM; sleep 600 & wait");
            BerthEnvironment.awaitStatus(ecsA, CLUSTER, taskArn, "RUNNING", TIMEOUT);
            // on one of the agents, in its own network namespace, pulled with A's login
            assertThat(fleet.indexOfHost(fleet.hostOfTask(taskArn))).isBetween(0, fleet.size() - 1);
            assertThat(awaitLogLines(a, taskArn, SECRET)).contains(SECRET);

            // both agents may have the layers now (one has): B still cannot read A's image
            String stolenArn = run(ecsB, "fleet-steal", reference, "cat /secret");
            Task stolen = BerthEnvironment.awaitStatus(ecsB, CLUSTER, stolenArn, "STOPPED", TIMEOUT);
            assertThat(stolen.stopCodeAsString()).isEqualTo("TaskFailedToStart");
            assertThat(stolen.stoppedReason()).startsWith("CannotPullContainerError: ").contains("denied");
            assertThat(stolen.startedAt()).as(stolen.stoppedReason()).isNull();

            ecsA.stopTask(request -> request.cluster(CLUSTER).task(taskArn));
            BerthEnvironment.awaitStatus(ecsA, CLUSTER, taskArn, "STOPPED", TIMEOUT);
        }
    }

    private String run(EcsClient ecs, String family, String image, String command)
    {
        ecs.createCluster(request -> request.clusterName(CLUSTER));
        ContainerDefinition main = ContainerDefinition.builder().name("main").image(image).essential(true).command("sh", "-c", command).stopTimeout(2).build();
        String definition = ecs.registerTaskDefinition(request -> request.family(family).requiresCompatibilitiesWithStrings("FARGATE").cpu("256").memory("512").containerDefinitions(main))
                .taskDefinition().taskDefinitionArn();
        return ecs.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER).taskDefinition(definition)).tasks().get(0).taskArn();
    }

    /** The task's log lines, read by its own account through the control plane, once they include text (fails after 30 s). */
    private List<String> awaitLogLines(Keys account, String taskArn, String text)
    {
        try (BerthClient client = fleet.signedClient(account.accessKeyId(), account.secretAccessKey())) {
            return TestFleet.awaitLogLine(client, CLUSTER, taskArn, text);
        }
    }

    private Keys createAccount(String name)
    {
        try (BerthClient operator = fleet.signedClient()) {
            JsonNode created = operator.admin("POST", "/berth/accounts", Map.of(), Json.mapper().createObjectNode().put("name", name));
            return new Keys(created.path("accountId").asText(), created.path("accessKeyId").asText(), created.path("secretAccessKey").asText());
        }
    }

    private EcrClient ecr(Keys account)
    {
        return EcrClient.builder()
                .endpointOverride(fleet.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(account.accessKeyId(), account.secretAccessKey())))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    private EcsClient ecs(Keys account)
    {
        return EcsClient.builder()
                .endpointOverride(fleet.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(account.accessKeyId(), account.secretAccessKey())))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }
}
