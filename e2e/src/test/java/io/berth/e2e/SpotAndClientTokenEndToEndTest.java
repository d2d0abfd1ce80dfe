package io.berth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.client.BerthClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStrategyItem;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ConflictException;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * FARGATE_SPOT and clientToken through the AWS SDK for Java v2 on a real Berth (runc, CNI, registry), two accounts
 * apart. Spot: a strategy puts tasks on FARGATE_SPOT (capacityProviderName), an on-demand task that finds the host
 * full interrupts the newest spot task (stopCode SpotInterruption, the container gets SIGTERM and exits by its trap,
 * 143, not SIGKILL's 137), the operator's interrupt-spot takes the rest, and the bill prices spot at the spot factor.
 * clientToken: the same token and request answers the same tasks / service, another request is a ConflictException
 * with the first tasks, another account's same token is its own. A service on a FARGATE/FARGATE_SPOT strategy replaces
 * its interrupted spot task with another spot task.
 */
class SpotAndClientTokenEndToEndTest
{
    private static final String CLUSTER = "spot";
    /** 4 vCPU and 8 GiB: a few fill the all-in-one host's (overcommitted) cpu before its memory. */
    private static final int SPOT_CPU = 4096;

    @RegisterExtension
    static final TwoAccounts accounts = new TwoAccounts("spot");

    @Test
    void onDemandTasksTakeRoomFromSpotTasksWhichStopBySigtermAndAreBilledAtTheSpotFactor()
    {
        accounts.owner().createCluster(request -> request.clusterName(CLUSTER).capacityProviders("FARGATE", "FARGATE_SPOT"));
        String definition = registerTrapping("spot-worker");
        JsonNode host = onlyHost();
        int slots = (host.path("cpu").path("capacity").asInt() - host.path("cpu").path("allocated").asInt()) / SPOT_CPU;
        assertThat(slots).as("spot tasks that fill the host's cpu, in one RunTask").isBetween(1, 10);
        assertThat((long) slots * 8192).as("they fit in its memory").isLessThanOrEqualTo(host.path("memory").path("capacity").asLong());

        // fill the host with spot tasks
        List<Task> spot = accounts.owner().runTask(request -> request.cluster(CLUSTER).taskDefinition(definition).count(slots)
                .networkConfiguration(BerthEnvironment.awsvpc())
                .capacityProviderStrategy(CapacityProviderStrategyItem.builder().capacityProvider("FARGATE_SPOT").weight(1).build())).tasks();
        assertThat(spot).hasSize(slots).allSatisfy(task -> assertThat(task.capacityProviderName()).isEqualTo("FARGATE_SPOT"));
        spot.forEach(task -> BerthEnvironment.awaitStatus(accounts.owner(), CLUSTER, task.taskArn(), "RUNNING", BerthCluster.TIMEOUT));

        // an on-demand task finds no room: one spot task is interrupted for it
        Task onDemand = accounts.owner().runTask(request -> request.cluster(CLUSTER).taskDefinition(definition).launchType(LaunchType.FARGATE)
                .networkConfiguration(BerthEnvironment.awsvpc())).tasks().get(0);
        assertThat(onDemand.capacityProviderName()).isNull();
        BerthEnvironment.awaitStatus(accounts.owner(), CLUSTER, onDemand.taskArn(), "RUNNING", BerthCluster.TIMEOUT);
        List<Task> afterwards = spot.stream().map(task -> BerthEnvironment.describe(accounts.owner(), CLUSTER, task.taskArn())).toList();
        List<Task> interrupted = afterwards.stream().filter(task -> "SpotInterruption".equals(task.stopCodeAsString())).toList();
        assertThat(interrupted).hasSize(1);
        Task stopped = BerthEnvironment.awaitStatus(accounts.owner(), CLUSTER, interrupted.get(0).taskArn(), "STOPPED", BerthCluster.TIMEOUT);
        assertThat(stopped.stoppedReason()).startsWith("Your Spot Task was interrupted.");
        // the trap ran: SIGTERM came first, as Fargate warns a spot task before it stops
        assertThat(stopped.containers().get(0).exitCode()).isEqualTo(143);

        // the operator takes the rest of the host's spot capacity back; the on-demand task stays
        JsonNode response;
        try (BerthClient operator = SignedClients.operator(accounts.environment())) {
            response = operator.admin("POST", "/berth/hosts/" + host.path("hostId").asText() + "/interrupt-spot", Map.of(), null);
        }
        List<String> rest = afterwards.stream().filter(task -> !"SpotInterruption".equals(task.stopCodeAsString())).map(Task::taskArn).toList();
        List<String> reported = new java.util.ArrayList<>();
        response.path("interruptedTasks").forEach(arn -> reported.add(arn.asText()));
        assertThat(reported).containsExactlyInAnyOrderElementsOf(rest);
        rest.forEach(arn -> assertThat(BerthEnvironment.awaitStatus(accounts.owner(), CLUSTER, arn, "STOPPED", BerthCluster.TIMEOUT).stopCodeAsString())
                .isEqualTo("SpotInterruption"));
        assertThat(BerthEnvironment.describe(accounts.owner(), CLUSTER, onDemand.taskArn()).lastStatus()).isEqualTo("RUNNING");
        // the other account sees none of these tasks, nor their cluster
        assertThat(catchThrowableOfType(ClusterNotFoundException.class, () -> accounts.stranger().describeTasks(request -> request.cluster(CLUSTER)
                .tasks(onDemand.taskArn())))).isNotNull();
        accounts.owner().stopTask(request -> request.cluster(CLUSTER).task(onDemand.taskArn()));
        BerthEnvironment.awaitStatus(accounts.owner(), CLUSTER, onDemand.taskArn(), "STOPPED", BerthCluster.TIMEOUT);

        // the bill: spot tasks at 0.3 of the on-demand price of their size, on-demand at the full price
        JsonNode bill;
        try (BerthClient tenant = SignedClients.of(accounts.environment(), accounts.ownerKeys())) {
            bill = tenant.admin("GET", "/berth/bill", new HashMap<>(Map.of("by", "task")), null);
        }
        assertThat(bill.path("priceList").path("spotFactor").asText()).isEqualTo("0.3");
        List<String> ours = new java.util.ArrayList<>(arns(spot));
        ours.add(onDemand.taskArn());
        int lines = 0;
        for (JsonNode line : bill.path("lines")) {
            if (!ours.contains(line.path("taskArn").asText())) {
                continue;
            }
            lines++;
            boolean isSpot = spot.stream().anyMatch(task -> task.taskArn().equals(line.path("taskArn").asText()));
            assertThat(line.path("capacityProvider").asText()).isEqualTo(isSpot ? "FARGATE_SPOT" : "FARGATE");
            // 4 vCPU and 8 GiB at the list price (4 x 0.04048 + 8 x 0.004445 an hour), per billed second
            BigDecimal full = BigDecimal.valueOf(line.path("billedSeconds").asLong()).multiply(new BigDecimal("0.19748"))
                    .divide(BigDecimal.valueOf(3600), 12, RoundingMode.HALF_UP);
            BigDecimal expected = isSpot ? full.multiply(new BigDecimal("0.3")) : full;
            assertThat(new BigDecimal(line.path("cost").asText())).isCloseTo(expected, org.assertj.core.data.Offset.offset(new BigDecimal("0.000001")));
        }
        assertThat(lines).isEqualTo(ours.size());
    }

    @Test
    void aServiceOnFargateSpotReplacesItsInterruptedTask()
    {
        String cluster = "spot-service";
        accounts.owner().createCluster(request -> request.clusterName(cluster).capacityProviders("FARGATE", "FARGATE_SPOT"));
        // the shell ends at SIGTERM, so an interruption takes no stopTimeout
        String definition = BerthEnvironment.registerSingleContainer(accounts.owner(), "spot-service", accounts.environment().image(),
                List.of("sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"));
        Service created = accounts.owner().createService(request -> request.cluster(cluster).serviceName("web").taskDefinition(definition).desiredCount(2)
                .networkConfiguration(BerthEnvironment.awsvpc()).capacityProviderStrategy(
                        CapacityProviderStrategyItem.builder().capacityProvider("FARGATE").base(1).weight(0).build(),
                        CapacityProviderStrategyItem.builder().capacityProvider("FARGATE_SPOT").weight(1).build())).service();
        assertThat(created.launchType()).isNull();
        assertThat(created.capacityProviderStrategy()).extracting(CapacityProviderStrategyItem::capacityProvider).containsExactly("FARGATE", "FARGATE_SPOT");

        List<Task> first = awaitServiceTasks(cluster, 2);
        assertThat(first).extracting(Task::capacityProviderName).containsExactlyInAnyOrder("FARGATE", "FARGATE_SPOT");
        Task spot = first.stream().filter(task -> "FARGATE_SPOT".equals(task.capacityProviderName())).findFirst().orElseThrow();
        Task onDemand = first.stream().filter(task -> "FARGATE".equals(task.capacityProviderName())).findFirst().orElseThrow();

        try (BerthClient operator = SignedClients.operator(accounts.environment())) {
            operator.admin("POST", "/berth/hosts/" + onlyHost().path("hostId").asText() + "/interrupt-spot", Map.of(), null);
        }
        assertThat(BerthEnvironment.awaitStatus(accounts.owner(), cluster, spot.taskArn(), "STOPPED", BerthCluster.TIMEOUT).stopCodeAsString())
                .isEqualTo("SpotInterruption");
        // the service starts a spot task in its place; the on-demand task stays, and the interruption is no failure
        List<Task> after = awaitServiceTasks(cluster, 2);
        assertThat(after).extracting(Task::taskArn).contains(onDemand.taskArn()).doesNotContain(spot.taskArn());
        assertThat(after).extracting(Task::capacityProviderName).containsExactlyInAnyOrder("FARGATE", "FARGATE_SPOT");
        Service service = accounts.owner().describeServices(request -> request.cluster(cluster).services("web")).services().get(0);
        assertThat(service.deployments().get(0).failedTasks()).isZero();
        assertThat(service.deployments().get(0).capacityProviderStrategy()).hasSize(2);

        accounts.owner().deleteService(request -> request.cluster(cluster).service("web").force(true));
        after.forEach(task -> BerthEnvironment.awaitStatus(accounts.owner(), cluster, task.taskArn(), "STOPPED", BerthCluster.TIMEOUT));
    }

    /** The service's count RUNNING tasks, once it has exactly that many meant to run. */
    private static List<Task> awaitServiceTasks(String cluster, int count)
    {
        return org.awaitility.Awaitility.await().atMost(BerthCluster.TIMEOUT).pollInterval(java.time.Duration.ofMillis(300)).until(() -> {
            List<String> arns = accounts.owner().listTasks(request -> request.cluster(cluster).serviceName("web")
                    .desiredStatus(software.amazon.awssdk.services.ecs.model.DesiredStatus.RUNNING)).taskArns();
            return arns.isEmpty() ? List.<Task>of() : accounts.owner().describeTasks(request -> request.cluster(cluster).tasks(arns)).tasks();
        }, tasks -> tasks.size() == count && tasks.stream().allMatch(task -> task.lastStatus().equals("RUNNING")));
    }

    @Test
    void theSameClientTokenAnswersTheSameTasksAndAnotherRequestIsAConflict()
    {
        String definition = BerthEnvironment.registerSingleContainer(accounts.owner(), "tokens", accounts.environment().image(), List.of("true"));
        String strangerDefinition = BerthEnvironment.registerSingleContainer(accounts.stranger(), "tokens", accounts.environment().image(), List.of("true"));

        List<String> first = arns(accounts.owner().runTask(request -> request.taskDefinition(definition).count(2).clientToken("retry-1")
                .networkConfiguration(BerthEnvironment.awsvpc()).launchType(LaunchType.FARGATE)).tasks());
        List<String> retried = arns(accounts.owner().runTask(request -> request.taskDefinition(definition).count(2).clientToken("retry-1")
                .networkConfiguration(BerthEnvironment.awsvpc()).launchType(LaunchType.FARGATE)).tasks());
        assertThat(retried).hasSize(2).containsExactlyElementsOf(first);

        ConflictException conflict = catchThrowableOfType(ConflictException.class, () -> accounts.owner().runTask(request -> request
                .taskDefinition(definition).count(1).clientToken("retry-1").networkConfiguration(BerthEnvironment.awsvpc()).launchType(LaunchType.FARGATE)));
        assertThat(conflict).isNotNull();
        assertThat(conflict.statusCode()).isEqualTo(400);
        assertThat(conflict.resourceIds()).containsExactlyElementsOf(first);

        // the SDK fills a fresh token in on every call: two calls without one are two requests
        List<String> unnamed = arns(accounts.owner().runTask(request -> request.taskDefinition(definition).networkConfiguration(BerthEnvironment.awsvpc())
                .launchType(LaunchType.FARGATE)).tasks());
        assertThat(unnamed).doesNotContainAnyElementsOf(first);
        // another account's same token is its own
        List<String> strangers = arns(accounts.stranger().runTask(request -> request.taskDefinition(strangerDefinition).count(2).clientToken("retry-1")
                .networkConfiguration(BerthEnvironment.awsvpc()).launchType(LaunchType.FARGATE)).tasks());
        assertThat(strangers).hasSize(2).doesNotContainAnyElementsOf(first);

        Service created = accounts.owner().createService(request -> request.serviceName("tokened").taskDefinition(definition).desiredCount(0)
                .clientToken("svc-1").networkConfiguration(BerthEnvironment.awsvpc())).service();
        Service again = accounts.owner().createService(request -> request.serviceName("tokened").taskDefinition(definition).desiredCount(0)
                .clientToken("svc-1").networkConfiguration(BerthEnvironment.awsvpc())).service();
        assertThat(again.serviceArn()).isEqualTo(created.serviceArn());
        InvalidParameterException changed = catchThrowableOfType(InvalidParameterException.class, () -> accounts.owner().createService(request -> request
                .serviceName("tokened").taskDefinition(definition).desiredCount(1).clientToken("svc-1").networkConfiguration(BerthEnvironment.awsvpc())));
        assertThat(changed.awsErrorDetails().errorMessage()).contains("not idempotent");
    }

    private static List<String> arns(List<Task> tasks)
    {
        return tasks.stream().map(Task::taskArn).toList();
    }

    private static JsonNode onlyHost()
    {
        try (BerthClient operator = SignedClients.operator(accounts.environment())) {
            JsonNode hosts = operator.admin("GET", "/berth/hosts", Map.of(), null).path("hosts");
            assertThat(hosts).hasSize(1);
            return hosts.get(0);
        }
    }

    /** 4 vCPU and 8 GiB; the container traps SIGTERM and exits 143 by itself, so a SIGKILL (137) would show. */
    private static String registerTrapping(String family)
    {
        ContainerDefinition container = ContainerDefinition.builder().name("main").image(accounts.environment().image()).essential(true)
                .command("sh", "-c", "trap 'exit 143' TERM; while true; do sleep 1; done").stopTimeout(30).build();
        return accounts.owner().registerTaskDefinition(request -> request.family(family).cpu(String.valueOf(SPOT_CPU)).memory("8192")
                        .networkMode(NetworkMode.AWSVPC).requiresCompatibilities(Compatibility.FARGATE).containerDefinitions(container))
                .taskDefinition().taskDefinitionArn();
    }
}
