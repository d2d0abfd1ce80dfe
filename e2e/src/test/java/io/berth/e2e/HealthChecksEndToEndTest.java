package io.berth.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.ContainerCondition;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerDependency;
import software.amazon.awssdk.services.ecs.model.HealthCheck;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.Task;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Container health checks on a real all-in-one Berth, driven with the AWS SDK: the agent runs each check inside its
 * container (a file only the container's root filesystem has), container and task healthStatus follow in
 * DescribeTasks, an essential container that starts failing stops its task as ECS does, dependsOn HEALTHY orders the
 * start, the same works under the sandbox tier (gVisor), and RegisterTaskDefinition refuses what ECS refuses.
 */
class HealthChecksEndToEndTest
{
    private static final String CLUSTER = "health";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** The shell's way of running until StopTask: SIGTERM ends it with 0. */
    private static final String UNTIL_STOPPED = "trap 'exit 0' TERM; sleep 600 & wait";
    private static final HealthCheck FILE_CHECK = HealthCheck.builder().command("CMD-SHELL", "test -f /tmp/ok").interval(5).timeout(2).retries(2).build();

    private static BerthEnvironment environment;
    private static EcsClient containers;
    private static EcsClient sandboxed;

    @BeforeAll
    static void startBerth()
            throws Exception
    {
        environment = BerthEnvironment.start(Files.createTempDirectory("berth-e2e-health"));
        AccountKeys containerKeys = AccountKeys.create(environment, "health-containers", "container");
        AccountKeys sandboxKeys = AccountKeys.create(environment, "health-sandboxed", "sandbox");
        containers = environment.client(containerKeys.accessKeyId(), containerKeys.secretAccessKey());
        sandboxed = environment.client(sandboxKeys.accessKeyId(), sandboxKeys.secretAccessKey());
        containers.createCluster(request -> request.clusterName(CLUSTER));
        sandboxed.createCluster(request -> request.clusterName(CLUSTER));
    }

    @AfterAll
    static void stopBerth()
            throws Exception
    {
        for (EcsClient client : new EcsClient[] {containers, sandboxed}) {
            if (client != null) {
                client.close();
            }
        }
        if (environment != null) {
            environment.close();
        }
    }

    @Test
    void aContainerWhoseCheckPassesTurnsHealthyAndSoDoesItsTask()
    {
        String definition = register(containers, "healthy", main("touch /tmp/ok; " + UNTIL_STOPPED).healthCheck(FILE_CHECK).build());
        String taskArn = run(containers, definition);

        Task running = BerthEnvironment.awaitStatus(containers, CLUSTER, taskArn, "RUNNING", TIMEOUT);
        // the first check is due an interval after the start
        assertThat(running.healthStatusAsString()).isEqualTo("UNKNOWN");
        assertThat(running.containers().getFirst().healthStatusAsString()).isEqualTo("UNKNOWN");

        Task healthy = awaitTask(containers, taskArn, task -> "HEALTHY".equals(task.healthStatusAsString()));
        assertThat(healthy.containers().getFirst().healthStatusAsString()).isEqualTo("HEALTHY");
        assertThat(healthy.lastStatus()).isEqualTo("RUNNING");

        containers.stopTask(request -> request.cluster(CLUSTER).task(taskArn));
        Task stopped = BerthEnvironment.awaitStatus(containers, CLUSTER, taskArn, "STOPPED", TIMEOUT);
        assertThat(stopped.stopCodeAsString()).isEqualTo("UserInitiated");
    }

    @Test
    void anEssentialContainerThatStartsFailingTurnsUnhealthyAndStopsItsTask()
    {
        assertUnhealthyContainerStopsItsTask(containers, "turns-unhealthy");
    }

    @Test
    void underTheSandboxTierTheCheckRunsInsideGvisorAndActsTheSame()
    {
        assertUnhealthyContainerStopsItsTask(sandboxed, "sandbox-turns-unhealthy");
    }

    @Test
    void aDependentOnHealthyStartsOnlyOnceItsDependencyIsHealthy()
    {
        String definition = register(containers, "healthy-order",
                ContainerDefinition.builder().name("db").image(environment.image()).essential(true).stopTimeout(2)
                        .command("sh", "-c", "sleep 3; touch /tmp/ok; " + UNTIL_STOPPED).healthCheck(FILE_CHECK).build(),
                ContainerDefinition.builder().name("app").image(environment.image()).essential(true).stopTimeout(2)
                        .command("sh", "-c", UNTIL_STOPPED)
                        .dependsOn(ContainerDependency.builder().containerName("db").condition(ContainerCondition.HEALTHY).build()).build());
        String taskArn = run(containers, definition);

        List<String> seen = new ArrayList<>();
        Task started = await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(300)).until(() -> {
            Task task = BerthEnvironment.describe(containers, CLUSTER, taskArn);
            seen.add(container(task, "db").lastStatus() + "/" + container(task, "db").healthStatusAsString() + " " + container(task, "app").lastStatus());
            return task;
        }, task -> container(task, "app").lastStatus().equals("RUNNING"));

        assertThat(container(started, "db").healthStatusAsString()).isEqualTo("HEALTHY");
        // app waited while db ran without a passed check, and never ran before db was HEALTHY
        assertThat(seen).contains("RUNNING/UNKNOWN PENDING");
        assertThat(seen).filteredOn(observation -> observation.endsWith(" RUNNING")).allMatch(observation -> observation.startsWith("RUNNING/HEALTHY"));

        containers.stopTask(request -> request.cluster(CLUSTER).task(taskArn));
        BerthEnvironment.awaitStatus(containers, CLUSTER, taskArn, "STOPPED", TIMEOUT);
    }

    @Test
    void aDependencyThatTurnsUnhealthyFirstStopsTheTaskNamingIt()
    {
        String definition = register(containers, "never-healthy",
                ContainerDefinition.builder().name("db").image(environment.image()).essential(false).stopTimeout(2)
                        .command("sh", "-c", UNTIL_STOPPED)
                        .healthCheck(HealthCheck.builder().command("CMD", "false").interval(5).timeout(2).retries(1).build()).build(),
                ContainerDefinition.builder().name("app").image(environment.image()).essential(true).stopTimeout(2).command("sh", "-c", UNTIL_STOPPED)
                        .dependsOn(ContainerDependency.builder().containerName("db").condition(ContainerCondition.HEALTHY).build()).build());

        Task stopped = BerthEnvironment.awaitStatus(containers, CLUSTER, run(containers, definition), "STOPPED", TIMEOUT);

        assertThat(stopped.stopCodeAsString()).isEqualTo("TaskFailedToStart");
        assertThat(stopped.stoppedReason()).isEqualTo("Container 'db' is UNHEALTHY, so dependent container 'app' cannot start");
        assertThat(container(stopped, "db").healthStatusAsString()).isEqualTo("UNHEALTHY");
        assertThat(container(stopped, "app").exitCode()).as("never started").isNull();
        // db is not essential: its health does not count toward the task's
        assertThat(stopped.healthStatusAsString()).isEqualTo("UNKNOWN");
    }

    @Test
    void registrationRefusesWhatEcsRefusesAndFillsInItsDefaults()
    {
        assertThatThrownBy(() -> register(containers, "bad-interval", main("true").healthCheck(HealthCheck.builder().command("CMD", "true").interval(4).build()).build()))
                .isInstanceOf(ClientException.class)
                .hasMessageContaining("Container 'main': 'healthCheck.interval' must be a whole number from 5 to 300 seconds, got 4.");
        assertThatThrownBy(() -> register(containers, "bad-timeout", main("true").healthCheck(HealthCheck.builder().command("CMD", "true").timeout(61).build()).build()))
                .isInstanceOf(ClientException.class).hasMessageContaining("'healthCheck.timeout' must be a whole number from 2 to 60 seconds, got 61.");
        assertThatThrownBy(() -> register(containers, "bad-retries", main("true").healthCheck(HealthCheck.builder().command("CMD", "true").retries(11).build()).build()))
                .isInstanceOf(ClientException.class).hasMessageContaining("'healthCheck.retries' must be a whole number from 1 to 10, got 11.");
        assertThatThrownBy(() -> register(containers, "bad-start", main("true").healthCheck(HealthCheck.builder().command("CMD", "true").startPeriod(301).build()).build()))
                .isInstanceOf(ClientException.class).hasMessageContaining("'healthCheck.startPeriod' must be a whole number from 0 to 300 seconds, got 301.");
        assertThatThrownBy(() -> register(containers, "bad-command", main("true").healthCheck(HealthCheck.builder().command("test -f /tmp/ok").build()).build()))
                .isInstanceOf(ClientException.class).hasMessageContaining("'healthCheck.command' must start with CMD");
        assertThatThrownBy(() -> register(containers, "healthy-without-check", main("true").build(),
                ContainerDefinition.builder().name("app").image(environment.image()).command("true")
                        .dependsOn(ContainerDependency.builder().containerName("main").condition(ContainerCondition.HEALTHY).build()).build()))
                .isInstanceOf(ClientException.class).hasMessageContaining("'main' has no healthCheck");
        assertThat(containers.listTaskDefinitionFamilies(request -> request.familyPrefix("bad-")).families()).isEmpty();

        String definition = register(containers, "defaults", main("true").healthCheck(HealthCheck.builder().command("CMD-SHELL", "true").build()).build());
        HealthCheck described = containers.describeTaskDefinition(request -> request.taskDefinition(definition)).taskDefinition()
                .containerDefinitions().getFirst().healthCheck();
        assertThat(described).isEqualTo(HealthCheck.builder().command("CMD-SHELL", "true").interval(30).timeout(5).retries(3).build());
    }

    /**
     * A container whose check passes at first (HEALTHY), whose file then goes: after retries failed checks it is
     * UNHEALTHY and its task stops as StopTask stops one (SIGTERM, which the shell's trap answers with exit 0).
     */
    private static void assertUnhealthyContainerStopsItsTask(EcsClient ecs, String family)
    {
        String definition = register(ecs, family, main("touch /tmp/ok; sleep 7; rm /tmp/ok; " + UNTIL_STOPPED).healthCheck(FILE_CHECK).build());
        String taskArn = run(ecs, definition);

        awaitTask(ecs, taskArn, task -> "HEALTHY".equals(task.containers().getFirst().healthStatusAsString()));
        Task stopped = BerthEnvironment.awaitStatus(ecs, CLUSTER, taskArn, "STOPPED", TIMEOUT);

        assertThat(stopped.stopCodeAsString()).isEqualTo("ServiceSchedulerInitiated");
        assertThat(stopped.stoppedReason()).isEqualTo("Task failed container health checks");
        assertThat(stopped.healthStatusAsString()).isEqualTo("UNHEALTHY");
        assertThat(stopped.containers().getFirst().healthStatusAsString()).isEqualTo("UNHEALTHY");
        assertThat(stopped.containers().getFirst().exitCode()).as("stopped with SIGTERM first").isZero();
    }

    private static ContainerDefinition.Builder main(String shellCommand)
    {
        return ContainerDefinition.builder().name("main").image(environment.image()).essential(true).stopTimeout(2).command("sh", "-c", shellCommand);
    }

    private static String register(EcsClient ecs, String family, ContainerDefinition... definitions)
    {
        return ecs.registerTaskDefinition(request -> request.family(family).cpu("256").memory("512")
                        .networkMode(NetworkMode.AWSVPC).requiresCompatibilities(Compatibility.FARGATE).containerDefinitions(definitions))
                .taskDefinition().taskDefinitionArn();
    }

    private static String run(EcsClient ecs, String definition)
    {
        return ecs.runTask(request -> request.cluster(CLUSTER).taskDefinition(definition).launchType(LaunchType.FARGATE).networkConfiguration(BerthEnvironment.awsvpc())).tasks().getFirst().taskArn();
    }

    private static Task awaitTask(EcsClient ecs, String taskArn, java.util.function.Predicate<Task> condition)
    {
        return await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(300))
                .until(() -> BerthEnvironment.describe(ecs, CLUSTER, taskArn), task -> task != null && condition.test(task));
    }

    private static Container container(Task task, String name)
    {
        return task.containers().stream().filter(container -> container.name().equals(name)).findFirst().orElseThrow();
    }
}
