package io.berth.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Task;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import static io.berth.e2e.BerthEnvironment.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;

/** Containers keep running while the agent, or all of Berth, restarts; state survives in the data directory. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestartEndToEndTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String CLUSTER = "restarts";

    private BerthEnvironment environment;

    @BeforeAll
    void startBerth()
            throws Exception
    {
        environment = BerthEnvironment.start(Files.createTempDirectory("berth-e2e-restart"));
        try (EcsClient ecs = environment.operatorClient()) {
            ecs.createCluster(request -> request.clusterName(CLUSTER));
        }
    }

    @AfterAll
    void stopBerth()
            throws Exception
    {
        if (environment != null) {
            environment.close();
        }
    }

    private String register(EcsClient ecs, String family, List<String> command)
    {
        return ecs.registerTaskDefinition(request -> request.family(family).requiresCompatibilitiesWithStrings("FARGATE").cpu("256").memory("512")
                        .containerDefinitions(ContainerDefinition.builder().name("main").image(environment.image()).command(command).stopTimeout(2).build()))
                .taskDefinition().taskDefinitionArn();
    }

    @Test
    void containerKeepsRunningAcrossAnAgentRestartAndItsExitIsStillSeen()
            throws Exception
    {
        try (EcsClient ecs = environment.operatorClient()) {
            String definition = register(ecs, "agent-restart", List.of("sh", "-c", "echo started; sleep 4; echo finished; exit 7"));
            String taskArn = ecs.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER).taskDefinition(definition)).tasks().get(0).taskArn();
            awaitStatus(ecs, CLUSTER, taskArn, "RUNNING", TIMEOUT);

            environment.berth().stopAgent();
            Thread.sleep(5_000); // the container exits while no agent watches it
            environment.berth().startAgent();

            Task task = awaitStatus(ecs, CLUSTER, taskArn, "STOPPED", TIMEOUT);
            assertThat(task.containers().get(0).exitCode()).isEqualTo(7);
            assertThat(LogLines.readAll(environment, CLUSTER, taskArn)).extracting(LogLines.Line::text).containsExactly("started", "finished");
        }
    }

    @Test
    void stateAndRunningTasksSurviveARestartOfBerth()
            throws Exception
    {
        String taskArn;
        String definition;
        try (EcsClient ecs = environment.operatorClient()) {
            definition = register(ecs, "berth-restart", List.of("sleep", "600"));
            taskArn = ecs.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER).taskDefinition(definition)).tasks().get(0).taskArn();
            awaitStatus(ecs, CLUSTER, taskArn, "RUNNING", TIMEOUT);
        }

        environment.restart();

        try (EcsClient ecs = environment.operatorClient()) {
            assertThat(ecs.listClusters().clusterArns()).anyMatch(arn -> arn.endsWith("/" + CLUSTER));
            assertThat(ecs.describeTaskDefinition(request -> request.taskDefinition(definition)).taskDefinition().family()).isEqualTo("berth-restart");
            Task task = BerthEnvironment.describe(ecs, CLUSTER, taskArn);
            assertThat(task.lastStatus()).isEqualTo("RUNNING");

            ecs.stopTask(request -> request.cluster(CLUSTER).task(taskArn));
            Task stopped = awaitStatus(ecs, CLUSTER, taskArn, "STOPPED", TIMEOUT);
            assertThat(stopped.stopCodeAsString()).isEqualTo("UserInitiated");
        }
    }
}
