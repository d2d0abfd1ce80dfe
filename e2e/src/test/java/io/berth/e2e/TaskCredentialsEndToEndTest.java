package io.berth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.Task;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Task role credentials on a real Berth, read by a real container and used with the AWS SDK: a task with a
 * taskRoleArn gets AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and reads its keys where the AWS SDKs do,
 * http://169.254.170.2 + that URI, with busybox wget (under runc) or busybox nc (under gVisor's runsc, see
 * {@link #aSandboxedContainerReadsItsKeysAtTheLinkLocalAddress}), and those exact keys (with their session token) call
 * DescribeTasks as the task's account: its own task is found, another account's is not, and once the task has
 * stopped the keys are refused. Another task cannot read the first one's credentials URI at the same address, and a
 * task without a role has none.
 */
class TaskCredentialsEndToEndTest
{
    private static final String CLUSTER = "credentials";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static BerthEnvironment environment;
    private static AccountKeys owner;
    private static AccountKeys other;
    private static AccountKeys sandboxed;
    private static EcsClient ownerEcs;
    private static EcsClient otherEcs;
    private static EcsClient sandboxedEcs;

    @BeforeAll
    static void startBerth()
            throws Exception
    {
        environment = BerthEnvironment.start(Files.createTempDirectory("berth-e2e-credentials"));
        owner = AccountKeys.create(environment, "credentials-owner");
        other = AccountKeys.create(environment, "credentials-other");
        sandboxed = AccountKeys.create(environment, "credentials-sandboxed", "sandbox");
        ownerEcs = environment.client(owner.accessKeyId(), owner.secretAccessKey());
        otherEcs = environment.client(other.accessKeyId(), other.secretAccessKey());
        sandboxedEcs = environment.client(sandboxed.accessKeyId(), sandboxed.secretAccessKey());
        ownerEcs.createCluster(request -> request.clusterName(CLUSTER));
        otherEcs.createCluster(request -> request.clusterName(CLUSTER));
        sandboxedEcs.createCluster(request -> request.clusterName(CLUSTER));
    }

    @AfterAll
    static void stopBerth()
            throws Exception
    {
        for (EcsClient client : new EcsClient[] {ownerEcs, otherEcs, sandboxedEcs}) {
            if (client != null) {
                client.close();
            }
        }
        if (environment != null) {
            environment.close();
        }
    }

    @Test
    void aContainerReadsItsKeysAndTheyActAsItsAccountUntilTheTaskStops()
            throws Exception
    {
        String roleArn = "arn:aws:iam::" + owner.accountId() + ":role/app";
        String definition = register(ownerEcs, "with-role", roleArn,
                "echo uri=$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI; wget -qO- http://169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI; echo; sleep 600");
        String taskArn = run(ownerEcs, definition, List.of());
        String foreignTaskArn = run(otherEcs, register(otherEcs, "foreign", null, "sleep 600"), List.of());
        awaitStatus(ownerEcs, taskArn, "RUNNING");

        JsonNode keys = JSON.readTree(awaitLine(owner, taskArn, "{"));
        String uri = awaitLine(owner, taskArn, "uri=").substring("uri=".length());
        assertThat(uri).matches("/v2/credentials/[0-9a-f-]{36}");
        assertThat(keys.path("RoleArn").asText()).isEqualTo(roleArn);
        assertThat(keys.path("AccessKeyId").asText()).startsWith("ASIA");
        assertThat(keys.path("SecretAccessKey").asText()).isNotEmpty();
        assertThat(keys.path("Token").asText()).isNotEmpty();
        Instant expiration = Instant.parse(keys.path("Expiration").asText());
        assertThat(expiration).isAfter(Instant.now().plus(Duration.ofHours(2))).isBefore(Instant.now().plus(Duration.ofHours(7)));

        try (EcsClient taskEcs = sessionClient(keys)) {
            DescribeTasksResponse own = taskEcs.describeTasks(request -> request.cluster(CLUSTER).tasks(taskArn));
            assertThat(own.tasks()).extracting(Task::taskArn).containsExactly(taskArn);
            DescribeTasksResponse foreign = taskEcs.describeTasks(request -> request.cluster(CLUSTER).tasks(foreignTaskArn));
            assertThat(foreign.tasks()).isEmpty();
            assertThat(foreign.failures()).singleElement().satisfies(failure -> assertThat(failure.reason()).isEqualTo("MISSING"));

            // another task, even given the URI, is refused: the request does not come from the owner's address (the
            // redirect to the endpoint inside the thief's namespace keeps the thief's own source address)
            String thief = run(otherEcs, register(otherEcs, "thief", null,
                    "wget -qO- http://169.254.170.2$STOLEN_URI 2>&1; echo thief-exit=$?"), List.of(KeyValuePair.builder().name("STOLEN_URI").value(uri).build()));
            awaitStatus(otherEcs, thief, "STOPPED");
            List<String> thiefLines = lines(other, thief);
            assertThat(String.join("\n", thiefLines)).contains("403").doesNotContain(keys.path("SecretAccessKey").asText());
            assertThat(thiefLines).contains("thief-exit=1");

            ownerEcs.stopTask(request -> request.cluster(CLUSTER).task(taskArn));
            awaitStatus(ownerEcs, taskArn, "STOPPED");
            assertThatThrownBy(() -> taskEcs.describeTasks(request -> request.cluster(CLUSTER).tasks(taskArn)))
                    .isInstanceOfSatisfying(EcsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException"));
        }
        otherEcs.stopTask(request -> request.cluster(CLUSTER).task(foreignTaskArn));
    }

    @Test
    void aSandboxedContainerReadsItsKeysAtTheLinkLocalAddress()
            throws Exception
    {
        String roleArn = "arn:aws:iam::" + sandboxed.accountId() + ":role/sandboxed-app";
        // busybox nc, not wget: under runsc's host network a blocking read(2) of a socket with no data yet fails with
        // EAGAIN in this gVisor build, which busybox wget does (see the README's isolation tiers); nc polls first
        String definition = register(sandboxedEcs, "sandboxed-with-role", roleArn,
                "printf 'GET %s HTTP/1.0\\r\\nHost: 169.254.170.2\\r\\n\\r\\n' \"$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI\" "
                        + "| timeout 10 nc 169.254.170.2 80; echo; sleep 600");
        String taskArn = run(sandboxedEcs, definition, List.of());
        Task running = awaitStatus(sandboxedEcs, taskArn, "RUNNING");
        assertThat(running.attributes()).as("runs under gVisor").anySatisfy(attribute -> {
            assertThat(attribute.name()).isEqualTo("berth.isolation");
            assertThat(attribute.value()).isEqualTo("sandbox");
        });

        JsonNode keys = JSON.readTree(awaitLine(sandboxed, taskArn, "{"));
        assertThat(keys.path("RoleArn").asText()).isEqualTo(roleArn);
        assertThat(keys.path("AccessKeyId").asText()).startsWith("ASIA");
        try (EcsClient taskEcs = sessionClient(keys)) {
            Task own = taskEcs.describeTasks(request -> request.cluster(CLUSTER).tasks(taskArn)).tasks().get(0);
            assertThat(own.taskArn()).isEqualTo(taskArn);
        }
        sandboxedEcs.stopTask(request -> request.cluster(CLUSTER).task(taskArn));
        awaitStatus(sandboxedEcs, taskArn, "STOPPED");
    }

    @Test
    void aTaskWithoutARoleHasNoCredentials()
    {
        String taskArn = run(ownerEcs, register(ownerEcs, "without-role", null, "echo uri=[$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI]"), List.of());
        awaitStatus(ownerEcs, taskArn, "STOPPED");

        assertThat(lines(owner, taskArn)).contains("uri=[]");
    }

    private static EcsClient sessionClient(JsonNode keys)
    {
        return EcsClient.builder()
                .endpointOverride(environment.berth().endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                        keys.path("AccessKeyId").asText(), keys.path("SecretAccessKey").asText(), keys.path("Token").asText())))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    private static String register(EcsClient ecs, String family, String roleArn, String script)
    {
        ContainerDefinition container = ContainerDefinition.builder().name("main").image(environment.image())
                .command(List.of("sh", "-c", script)).stopTimeout(2).build();
        return ecs.registerTaskDefinition(request -> request.family(family).cpu("256").memory("512").networkMode(NetworkMode.AWSVPC)
                        .requiresCompatibilities(Compatibility.FARGATE).taskRoleArn(roleArn).containerDefinitions(container))
                .taskDefinition().taskDefinitionArn();
    }

    private static String run(EcsClient ecs, String definition, List<KeyValuePair> environmentVariables)
    {
        return ecs.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER).taskDefinition(definition).launchType(LaunchType.FARGATE)
                        .overrides(overrides -> overrides.containerOverrides(container -> container.name("main").environment(environmentVariables))))
                .tasks().get(0).taskArn();
    }

    private static Task awaitStatus(EcsClient ecs, String taskArn, String status)
    {
        return BerthEnvironment.awaitStatus(ecs, CLUSTER, taskArn, status, TIMEOUT);
    }

    /** The first log line of the running task that starts with prefix. */
    private static String awaitLine(AccountKeys account, String taskArn, String prefix)
    {
        String[] found = {null};
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> {
            Optional<String> line = liveLines(account, taskArn).stream().filter(text -> text.startsWith(prefix)).findFirst();
            line.ifPresent(text -> found[0] = text);
            return line.isPresent();
        });
        return found[0];
    }

    private static List<String> liveLines(AccountKeys account, String taskArn)
    {
        String taskId = taskArn.substring(taskArn.lastIndexOf('/') + 1);
        try {
            return Files.readAllLines(environment.dataDirectory().resolve("agent/logs").resolve(taskId).resolve("main.log")).stream()
                    // k8s-file: TIMESTAMP STREAM FLAG TEXT
                    .map(line -> line.split(" ", 4))
                    .filter(parts -> parts.length == 4)
                    .map(parts -> parts[3])
                    .toList();
        }
        catch (java.io.IOException e) {
            return List.of();
        }
    }

    private static List<String> lines(AccountKeys account, String taskArn)
    {
        try (var client = SignedClients.of(environment, account)) {
            return LogLines.readAll(client, CLUSTER, taskArn).stream().map(LogLines.Line::text).toList();
        }
    }
}
