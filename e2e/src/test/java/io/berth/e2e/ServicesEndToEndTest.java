package io.berth.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.core.waiters.WaiterResponse;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClusterContainsServicesException;
import software.amazon.awssdk.services.ecs.model.CreateServiceRequest;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.ListServicesResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.ServiceNotFoundException;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.waiters.EcsWaiter;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * ECS services against a real Berth through the AWS SDK for Java v2 and its waiters (services-stable, services-inactive)
 * and once through the AWS CLI's `aws ecs wait services-stable`: scaling, a rolling deployment, a failing deployment
 * the circuit breaker rolls back, a task killed from outside replaced, DeleteService, accounts kept apart, error shapes.
 */
class ServicesEndToEndTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final List<String> SLEEP = sleep(600);

    @RegisterExtension
    static final BerthCluster cluster = new BerthCluster("services");

    @Test
    void scaleUpAndDownThenRollToRevisionTwo()
            throws Exception
    {
        EcsClient ecs = cluster.ecs();
        String revision1 = register("web", SLEEP);
        Service created = ecs.createService(create("web", revision1, 2)).service();
        assertThat(created.status()).isEqualTo("ACTIVE");
        assertThat(created.serviceArn()).isEqualTo("arn:aws:ecs:us-east-1:" + accountId() + ":service/services/web");
        assertThat(created.deployments()).singleElement().satisfies(deployment -> {
            assertThat(deployment.id()).matches("ecs-svc/\\d{19}");
            assertThat(deployment.status()).isEqualTo("PRIMARY");
            assertThat(deployment.rolloutState()).isEqualTo(DeploymentRolloutState.IN_PROGRESS);
        });
        assertThat(created.deploymentConfiguration().maximumPercent()).isEqualTo(200);
        assertThat(created.deploymentConfiguration().minimumHealthyPercent()).isEqualTo(100);

        Service stable = awaitStable("web");
        assertThat(stable.runningCount()).isEqualTo(2);
        assertThat(stable.deployments()).singleElement().satisfies(deployment -> {
            assertThat(deployment.rolloutState()).isEqualTo(DeploymentRolloutState.COMPLETED);
            assertThat(deployment.runningCount()).isEqualTo(2);
        });
        assertThat(messages(stable)).first().isEqualTo("(service web) has reached a steady state.");
        assertThat(messages(stable)).anyMatch(message -> message.matches("\\(service web\\) has started 2 tasks: \\(task \\w+\\) \\(task \\w+\\)\\."));
        String deploymentId = stable.deployments().getFirst().id();
        List<Task> tasks = runningTasks(deploymentId);
        assertThat(tasks).hasSize(2).allSatisfy(task -> {
            assertThat(task.group()).isEqualTo("service:web");
            assertThat(task.startedBy()).isEqualTo(deploymentId);
            assertThat(task.taskDefinitionArn()).isEqualTo(revision1);
        });

        assertThat(ecs.listTasks(request -> request.cluster(cluster.cluster()).serviceName("web")).taskArns())
                .containsExactlyInAnyOrderElementsOf(tasks.stream().map(Task::taskArn).toList());

        // the AWS CLI's waiter on the same service
        HostCommand wait = HostCommand.run(List.of("aws", "ecs", "wait", "services-stable", "--cluster", cluster.cluster(), "--services", "web",
                "--endpoint-url", cluster.environment().berth().endpoint().toString()), cliEnvironment(), null, Duration.ofSeconds(60));
        assertThat(wait.exitCode()).as(wait.output()).isZero();

        ecs.updateService(request -> request.cluster(cluster.cluster()).service("web").desiredCount(3));
        assertThat(awaitStable("web").runningCount()).isEqualTo(3);

        ecs.updateService(request -> request.cluster(cluster.cluster()).service("web").desiredCount(1));
        Service scaledDown = awaitStable("web");
        assertThat(scaledDown.runningCount()).isEqualTo(1);
        assertThat(messages(scaledDown)).anyMatch(message -> message.startsWith("(service web) has stopped 2 running tasks: (task "));
        List<Task> stopped = tasks(deploymentId, DesiredStatus.STOPPED);
        assertThat(stopped).hasSize(2).allSatisfy(task -> {
            assertThat(task.stopCodeAsString()).isEqualTo("ServiceSchedulerInitiated");
            assertThat(task.stoppedReason()).isEqualTo("Scaling activity initiated by (deployment " + deploymentId + ")");
        });

        String revision2 = register("web", sleep(601));
        Service rolling = ecs.updateService(request -> request.cluster(cluster.cluster()).service("web").taskDefinition(revision2).desiredCount(2)).service();
        assertThat(rolling.deployments()).extracting(software.amazon.awssdk.services.ecs.model.Deployment::status).containsExactly("PRIMARY", "ACTIVE");
        Service rolled = awaitStable("web");
        assertThat(rolled.taskDefinition()).isEqualTo(revision2);
        assertThat(rolled.deployments()).singleElement().satisfies(deployment -> {
            assertThat(deployment.taskDefinition()).isEqualTo(revision2);
            assertThat(deployment.rolloutState()).isEqualTo(DeploymentRolloutState.COMPLETED);
        });
        assertThat(runningTasks(rolled.deployments().getFirst().id())).hasSize(2).allSatisfy(task -> assertThat(task.taskDefinitionArn()).isEqualTo(revision2));
        assertThat(runningTasks(deploymentId)).isEmpty();

        assertThat(ecs.listServices(request -> request.cluster(cluster.cluster()).launchType(LaunchType.FARGATE)).serviceArns()).contains(rolled.serviceArn());
        assertThat(ecs.listServices(request -> request.cluster(cluster.cluster()).launchType(LaunchType.EC2)).serviceArns()).isEmpty();
    }

    @Test
    void aFailingDeploymentIsRolledBackByTheCircuitBreaker()
    {
        EcsClient ecs = cluster.ecs();
        String good = register("breaker", SLEEP);
        ecs.createService(create("breaker", good, 1).toBuilder()
                .deploymentConfiguration(configuration -> configuration.deploymentCircuitBreaker(breaker -> breaker.enable(true).rollback(true)))
                .build());
        awaitStable("breaker");
        String failing = register("breaker", List.of("sh", "-c", "exit 1"));
        String failingDeployment = ecs.updateService(request -> request.cluster(cluster.cluster()).service("breaker").taskDefinition(failing))
                .service().deployments().getFirst().id();

        Service rolledBack = await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500))
                .until(() -> describe("breaker"), service -> service.taskDefinition().equals(good) && service.deployments().size() == 1
                        && service.deployments().getFirst().rolloutState() == DeploymentRolloutState.COMPLETED);
        assertThat(messages(rolledBack)).contains("(service breaker) deployment " + failingDeployment + " deployment failed: tasks failed to start.");
        assertThat(messages(rolledBack)).anyMatch(message -> message.startsWith("(service breaker) is unable to consistently start tasks successfully"));
        List<Task> failed = tasks(failingDeployment, DesiredStatus.STOPPED);
        assertThat(failed.size()).isGreaterThanOrEqualTo(3);
        assertThat(failed).allSatisfy(task -> assertThat(task.stopCodeAsString()).isIn("EssentialContainerExited", "TaskFailedToStart"));
        assertThat(runningTasks(rolledBack.deployments().getFirst().id())).singleElement()
                .satisfies(task -> assertThat(task.taskDefinitionArn()).isEqualTo(good));
    }

    @Test
    void aRestartInTheMiddleOfADeploymentCarriesItOn()
            throws Exception
    {
        EcsClient ecs = cluster.ecs();
        String revision1 = register("restarted", SLEEP);
        ecs.createService(create("restarted", revision1, 2));
        String firstDeployment = awaitStable("restarted").deployments().getFirst().id();
        String revision2 = register("restarted", sleep(602));
        Service rolling = ecs.updateService(request -> request.cluster(cluster.cluster()).service("restarted").taskDefinition(revision2)).service();
        String secondDeployment = rolling.deployments().getFirst().id();

        cluster.environment().restart();

        Service rolled = awaitStable("restarted");
        assertThat(rolled.deployments()).singleElement().satisfies(deployment -> {
            assertThat(deployment.id()).isEqualTo(secondDeployment);
            assertThat(deployment.taskDefinition()).isEqualTo(revision2);
        });
        assertThat(runningTasks(secondDeployment)).hasSize(2);
        assertThat(runningTasks(firstDeployment)).isEmpty();
        // nothing started twice: the deployment's tasks are the two running plus none lost track of
        assertThat(tasks(secondDeployment, DesiredStatus.STOPPED)).isEmpty();
    }

    @Test
    void aTaskKilledFromOutsideIsReplaced()
    {
        EcsClient ecs = cluster.ecs();
        String definition = register("victim", SLEEP);
        ecs.createService(create("victim", definition, 1));
        Service stable = awaitStable("victim");
        String deploymentId = stable.deployments().getFirst().id();
        Task victim = runningTasks(deploymentId).getFirst();
        String victimId = victim.taskArn().substring(victim.taskArn().lastIndexOf('/') + 1);

        HostLeftovers host = new HostLeftovers(cluster.environment().dataDirectory());
        String[] container = host.runcContainers().stream().filter(candidate -> candidate[0].startsWith(victimId)).findFirst().orElseThrow();
        ProcessHandle.of(Long.parseLong(container[1])).orElseThrow().destroyForcibly();

        cluster.awaitStatus(victim.taskArn(), "STOPPED");
        Service healed = await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500))
                .until(() -> describe("victim"), service -> service.runningCount() == 1 && !runningTasks(deploymentId).isEmpty()
                        && !runningTasks(deploymentId).getFirst().taskArn().equals(victim.taskArn()));
        assertThat(healed.deployments().getFirst().failedTasks()).isEqualTo(1);
        assertThat(messages(healed)).anyMatch(message -> message.contains("is unable to consistently start tasks successfully: 1 tasks failed in a row"));
    }

    @Test
    void aScaleInLeavesATaskUnderScaleInProtectionRunning()
    {
        EcsClient ecs = cluster.ecs();
        String definition = register("guarded", SLEEP);
        ecs.createService(create("guarded", definition, 2));
        String deploymentId = awaitStable("guarded").deployments().getFirst().id();
        List<Task> running = runningTasks(deploymentId);
        assertThat(running).hasSize(2);
        // the newer task would go first in a scale-in: protected, the older one goes instead
        Task newer = running.stream().max(java.util.Comparator.comparing(Task::createdAt)).orElseThrow();
        Task older = running.stream().filter(task -> !task.taskArn().equals(newer.taskArn())).findFirst().orElseThrow();
        ecs.updateTaskProtection(request -> request.cluster(cluster.cluster()).tasks(newer.taskArn()).protectionEnabled(true).expiresInMinutes(10));

        ecs.updateService(request -> request.cluster(cluster.cluster()).service("guarded").desiredCount(1));
        cluster.awaitStatus(older.taskArn(), "STOPPED");
        awaitStable("guarded");
        assertThat(runningTasks(deploymentId)).extracting(Task::taskArn).containsExactly(newer.taskArn());
        // a DeleteService stops it all the same
        ecs.deleteService(request -> request.cluster(cluster.cluster()).service("guarded").force(true));
        cluster.awaitStatus(newer.taskArn(), "STOPPED");
    }

    @Test
    void deleteServiceDrainsItToInactive()
    {
        EcsClient ecs = cluster.ecs();
        String definition = register("doomed", SLEEP);
        ecs.createCluster(request -> request.clusterName("doomed-cluster"));
        ecs.createService(create("doomed", definition, 2).toBuilder().cluster("doomed-cluster").build());
        EcsWaiter waiter = waiter();
        waiter.waitUntilServicesStable(request -> request.cluster("doomed-cluster").services("doomed"));

        assertThatThrownBy(() -> ecs.deleteCluster(request -> request.cluster("doomed-cluster"))).isInstanceOf(ClusterContainsServicesException.class);
        assertThatThrownBy(() -> ecs.deleteService(request -> request.cluster("doomed-cluster").service("doomed")))
                .isInstanceOfSatisfying(InvalidParameterException.class, e -> assertThat(e.awsErrorDetails().errorMessage()).contains("scaled above 0"));

        Service draining = ecs.deleteService(request -> request.cluster("doomed-cluster").service("doomed").force(true)).service();
        assertThat(draining.status()).isEqualTo("DRAINING");
        assertThat(draining.desiredCount()).isZero();
        WaiterResponse<DescribeServicesResponse> inactive = waiter.waitUntilServicesInactive(request -> request.cluster("doomed-cluster").services("doomed"));
        assertThat(inactive.matched().response().orElseThrow().services()).singleElement().satisfies(service -> assertThat(service.status()).isEqualTo("INACTIVE"));
        assertThat(ecs.listTasks(request -> request.cluster("doomed-cluster")).taskArns()).isEmpty();
        assertThat(ecs.listServices(request -> request.cluster("doomed-cluster")).serviceArns()).isEmpty();
        ecs.deleteCluster(request -> request.cluster("doomed-cluster"));
    }

    @Test
    void anotherAccountSeesNoneOfIt()
    {
        EcsClient ecs = cluster.ecs();
        String definition = register("private", SLEEP);
        Service service = ecs.createService(create("private", definition, 0)).service();
        // services are taggable resources: TagResource, ListTagsForResource and UntagResource by the service's ARN
        ecs.tagResource(request -> request.resourceArn(service.serviceArn()).tags(tag -> tag.key("team").value("blue"), tag -> tag.key("tier").value("web")));
        ecs.untagResource(request -> request.resourceArn(service.serviceArn()).tagKeys("tier"));
        assertThat(ecs.listTagsForResource(request -> request.resourceArn(service.serviceArn())).tags())
                .extracting(tag -> tag.key() + "=" + tag.value()).containsExactly("team=blue");
        AccountKeys other = AccountKeys.create(cluster.environment(), "services-other");
        try (EcsClient stranger = cluster.environment().client(other.accessKeyId(), other.secretAccessKey())) {
            stranger.createCluster(request -> request.clusterName(cluster.cluster()));
            DescribeServicesResponse byName = stranger.describeServices(request -> request.cluster(cluster.cluster()).services("private", service.serviceArn()));
            assertThat(byName.services()).isEmpty();
            assertThat(byName.failures()).extracting(failure -> failure.reason()).containsExactly("MISSING", "MISSING");
            assertThat(stranger.listServices(request -> request.cluster(cluster.cluster())).serviceArns()).isEmpty();
            assertThatThrownBy(() -> stranger.updateService(request -> request.cluster(cluster.cluster()).service("private").desiredCount(3)))
                    .isInstanceOf(ServiceNotFoundException.class);
            assertThatThrownBy(() -> stranger.deleteService(request -> request.cluster(cluster.cluster()).service(service.serviceArn()).force(true)))
                    .isInstanceOf(ServiceNotFoundException.class);
            assertThatThrownBy(() -> stranger.listTagsForResource(request -> request.resourceArn(service.serviceArn())))
                    .isInstanceOfSatisfying(InvalidParameterException.class, e -> assertThat(e.awsErrorDetails().errorMessage()).contains("not found"));
            assertThatThrownBy(() -> stranger.tagResource(request -> request.resourceArn(service.serviceArn()).tags(tag -> tag.key("team").value("red"))))
                    .isInstanceOf(InvalidParameterException.class);
        }
        assertThat(describe("private").desiredCount()).isZero();
        assertThat(describe("private").status()).isEqualTo("ACTIVE");
    }

    @Test
    void errorsHaveEcssShapes()
    {
        EcsClient ecs = cluster.ecs();
        String definition = register("shapes", SLEEP);
        assertThatThrownBy(() -> ecs.createService(create("shapes", definition, 1).toBuilder()
                .loadBalancers(balancer -> balancer.targetGroupArn("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1")
                        .containerName("main").containerPort(80))
                .build()))
                .isInstanceOfSatisfying(InvalidParameterException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("The target group with targetGroupArn arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1 does not exist."));
        assertThatThrownBy(() -> ecs.createService(create("shapes", definition, 1).toBuilder().enableExecuteCommand(true).build()))
                .isInstanceOfSatisfying(EcsException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ClientException");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("enableExecuteCommand");
                });
        assertThatThrownBy(() -> ecs.createService(create("shapes", definition, 1).toBuilder().launchType(LaunchType.EC2).build()))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> ecs.createService(create("shapes", definition, 1).toBuilder()
                .deploymentConfiguration(configuration -> configuration.maximumPercent(50)).build()))
                .isInstanceOfSatisfying(InvalidParameterException.class, e -> assertThat(e.awsErrorDetails().errorMessage()).contains("maximumPercent"));
        assertThatThrownBy(() -> ecs.createService(create("shapes", "no-such-family", 1)))
                .isInstanceOfSatisfying(EcsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ClientException"));
        ecs.createService(create("shapes", definition, 0));
        assertThatThrownBy(() -> ecs.createService(create("shapes", definition, 0)))
                .isInstanceOfSatisfying(InvalidParameterException.class, e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Creation of service was not idempotent."));
        assertThatThrownBy(() -> ecs.updateService(request -> request.cluster(cluster.cluster()).service("nothing-here").desiredCount(1)))
                .isInstanceOf(ServiceNotFoundException.class);
        DescribeServicesResponse missing = ecs.describeServices(request -> request.cluster(cluster.cluster()).services("nothing-here"));
        assertThat(missing.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.arn()).isEqualTo("arn:aws:ecs:us-east-1:" + accountId() + ":service/services/nothing-here");
            assertThat(failure.reason()).isEqualTo("MISSING");
        });
        ecs.createService(create("shapes-2", definition, 0));
        ListServicesResponse page = ecs.listServices(request -> request.cluster(cluster.cluster()).maxResults(1));
        assertThat(page.serviceArns()).hasSize(1);
        assertThat(page.nextToken()).isNotNull();
    }

    /** Deletes every service left, so their controller starts nothing while the fixture stops all tasks. */
    @AfterAll
    static void deleteServices()
    {
        EcsClient ecs = cluster.ecs();
        List<String> arns = ecs.listServices(request -> request.cluster(cluster.cluster())).serviceArns();
        arns.forEach(arn -> ecs.deleteService(request -> request.cluster(cluster.cluster()).service(arn).force(true)));
        if (!arns.isEmpty()) {
            waiter().waitUntilServicesInactive(request -> request.cluster(cluster.cluster()).services(arns));
        }
    }

    private static CreateServiceRequest create(String name, String taskDefinition, int desiredCount)
    {
        return CreateServiceRequest.builder().cluster(cluster.cluster()).serviceName(name).taskDefinition(taskDefinition).desiredCount(desiredCount)
                .launchType(LaunchType.FARGATE).networkConfiguration(BerthEnvironment.awsvpc()).build();
    }

    /**
     * Sleeps for seconds (a revision may differ only by it), and ends on the SIGTERM of a stop: sleep as a pid
     * namespace's first process ignores it, and every scale-in or rollout would wait out the stop timeout.
     */
    private static List<String> sleep(int seconds)
    {
        return List.of("sh", "-c", "trap 'exit 0' TERM; sleep " + seconds + " & wait");
    }

    private static String register(String family, List<String> command)
    {
        return BerthEnvironment.registerSingleContainer(cluster.ecs(), family, cluster.environment().image(), command);
    }

    /** The SDK's services-stable waiter, polling every 250 ms instead of ECS's 15 s so the test stays short. */
    private static EcsWaiter waiter()
    {
        Duration poll = Duration.ofMillis(250);
        return EcsWaiter.builder().client(cluster.ecs())
                .overrideConfiguration(WaiterOverrideConfiguration.builder().backoffStrategy(FixedDelayBackoffStrategy.create(poll))
                        .maxAttempts((int) TIMEOUT.dividedBy(poll)).build())
                .build();
    }

    /**
     * Waits with the SDK's services-stable waiter (one deployment, runningCount == desiredCount), then for its rollout to
     * be COMPLETED, which Berth marks once the tasks have held RUNNING for 5 s (what a circuit breaker rolls back to).
     */
    private static Service awaitStable(String name)
    {
        WaiterResponse<DescribeServicesResponse> response = waiter().waitUntilServicesStable(request -> request.cluster(cluster.cluster()).services(name));
        Service stable = response.matched().response().orElseThrow().services().getFirst();
        assertThat(stable.runningCount()).isEqualTo(stable.desiredCount());
        assertThat(stable.deployments()).hasSize(1);
        return await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> describe(name), service -> service.deployments().size() == 1
                        && service.deployments().getFirst().rolloutState() == DeploymentRolloutState.COMPLETED && service.runningCount() == service.desiredCount());
    }

    private static Service describe(String name)
    {
        return cluster.ecs().describeServices(request -> request.cluster(cluster.cluster()).services(name)).services().getFirst();
    }

    private static List<String> messages(Service service)
    {
        return service.events().stream().map(ServiceEvent::message).toList();
    }

    private static List<Task> runningTasks(String deploymentId)
    {
        return tasks(deploymentId, DesiredStatus.RUNNING);
    }

    private static List<Task> tasks(String startedBy, DesiredStatus status)
    {
        List<String> arns = cluster.ecs().listTasks(request -> request.cluster(cluster.cluster()).startedBy(startedBy).desiredStatus(status)).taskArns();
        if (arns.isEmpty()) {
            return List.of();
        }
        return cluster.ecs().describeTasks(request -> request.cluster(cluster.cluster()).tasks(arns)).tasks();
    }

    private static String accountId()
    {
        return cluster.environment().berth().operatorKey().account().accountId();
    }

    private static Map<String, String> cliEnvironment()
    {
        return Map.of("AWS_ACCESS_KEY_ID", cluster.environment().berth().operatorKey().accessKeyId(),
                "AWS_SECRET_ACCESS_KEY", cluster.environment().berth().operatorKey().secretAccessKey(), "AWS_DEFAULT_REGION", "us-east-1",
                "AWS_CONFIG_FILE", "/dev/null", "AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    }
}
