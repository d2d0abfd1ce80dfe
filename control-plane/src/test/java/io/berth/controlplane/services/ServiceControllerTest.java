package io.berth.controlplane.services;

import io.berth.controlplane.services.Deployment.RolloutState;
import io.berth.controlplane.services.ServicePlan.Launch;
import io.berth.controlplane.services.ServicePlan.StopOrder;
import io.berth.controlplane.tasks.StopCodes;
import io.berth.controlplane.tasks.TaskStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The service controller's decisions over hand-made snapshots: scaling, rolling math, circuit breaker, back-off, drain. */
class ServiceControllerTest
{
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final String REVISION_1 = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1";
    private static final String REVISION_2 = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:2";

    private final AtomicInteger ids = new AtomicInteger();
    private final ServiceController controller = new ServiceController(ServiceControllerSettings.DEFAULT, () -> "ecs-svc/" + (9000 + ids.incrementAndGet()),
            () -> "event-" + ids.incrementAndGet());

    @Test
    void aNewServiceStartsItsDesiredCount()
    {
        Service service = service(3, DeploymentConfiguration.DEFAULT, primary("ecs-svc/1", REVISION_1, List.of()));
        ServicePlan plan = decide(service, List.of());
        assertThat(plan.launches()).containsExactly(new Launch("ecs-svc/1", REVISION_1, 3));
        assertThat(plan.stops()).isEmpty();
        assertThat(plan.next().steady()).isFalse();
    }

    @Test
    void allHealthyIsASteadyStateOnceAndCompletesTheDeployment()
    {
        Service service = service(2, DeploymentConfiguration.DEFAULT, primary("ecs-svc/1", REVISION_1, List.of("a", "b")));
        ServicePlan plan = decide(service, List.of(running("a", "ecs-svc/1"), running("b", "ecs-svc/1")));
        assertThat(plan.launches()).isEmpty();
        assertThat(plan.next().steady()).isTrue();
        assertThat(plan.next().primary().orElseThrow().rolloutState()).isEqualTo(RolloutState.COMPLETED);
        assertThat(plan.next().lastCompletedTaskDefinitionArn()).isEqualTo(REVISION_1);
        assertThat(plan.next().runningCount()).isEqualTo(2);
        assertThat(messages(plan)).containsExactly("(service web) has reached a steady state.", "(service web) (deployment ecs-svc/1) deployment completed.");

        ServicePlan again = decide(plan.next(), List.of(running("a", "ecs-svc/1"), running("b", "ecs-svc/1")));
        assertThat(again.next().events()).isEqualTo(plan.next().events());
    }

    @Test
    void aScaleInLeavesTasksUnderScaleInProtectionRunning()
    {
        Service service = service(2, DeploymentConfiguration.DEFAULT, primary("ecs-svc/1", REVISION_1, List.of("a", "b", "c")));
        // c, the newest, would go first; protected, it stays and the next one goes
        List<ServiceTask> tasks = List.of(running("a", "ecs-svc/1", T0.minusSeconds(60)), running("b", "ecs-svc/1", T0.minusSeconds(50)),
                running("c", "ecs-svc/1", T0.minusSeconds(40)).withScaleInProtection(true));
        assertThat(decide(service, tasks).stops()).extracting(StopOrder::taskId).containsExactly("b");

        // all protected: none stops, and the service is above its desired count until a protection ends
        List<ServiceTask> allProtected = tasks.stream().map(task -> task.withScaleInProtection(true)).toList();
        ServicePlan held = decide(service, allProtected);
        assertThat(held.stops()).isEmpty();
        assertThat(held.next().steady()).isFalse();
    }

    @Test
    void pendingTasksAreNotYetASteadyState()
    {
        Service service = service(2, DeploymentConfiguration.DEFAULT, primary("ecs-svc/1", REVISION_1, List.of("a", "b")));
        ServicePlan plan = decide(service, List.of(running("a", "ecs-svc/1"), task("b", "ecs-svc/1", TaskStatus.PENDING)));
        assertThat(plan.launches()).isEmpty();
        assertThat(plan.next().steady()).isFalse();
        assertThat(plan.next().runningCount()).isEqualTo(1);
        assertThat(plan.next().pendingCount()).isEqualTo(1);
    }

    @Test
    void aTaskWithAHealthCheckCountsOnlyWhenHealthy()
    {
        Service service = service(1, DeploymentConfiguration.DEFAULT, primary("ecs-svc/1", REVISION_1, List.of("a")));
        ServiceTask unknown = new ServiceTask("a", "ecs-svc/1", TaskStatus.RUNNING, TaskStatus.RUNNING, T0, T0, null, null, "UNKNOWN", false, null);
        assertThat(decide(service, List.of(unknown)).next().steady()).isFalse();
        ServiceTask healthy = new ServiceTask("a", "ecs-svc/1", TaskStatus.RUNNING, TaskStatus.RUNNING, T0, T0, null, null, "HEALTHY", false, null);
        assertThat(decide(service, List.of(healthy)).next().steady()).isTrue();
    }

    @Test
    void aTaskWithoutAHealthCheckCountsOnceItHasRunForTheSettleTime()
    {
        Deployment old = primary("ecs-svc/1", REVISION_1, List.of("a")).withStatus(Deployment.Status.ACTIVE, T0);
        Service service = service(1, DeploymentConfiguration.DEFAULT, primary("ecs-svc/2", REVISION_2, List.of("b")), old);
        ServiceTask justStarted = new ServiceTask("b", "ecs-svc/2", TaskStatus.RUNNING, TaskStatus.RUNNING, T0.minusSeconds(1), T0.minusSeconds(2), null, null,
                null, false, null);
        // a container that exits at once is RUNNING for a moment: the old task stays until the new one has held for 5 s
        ServicePlan early = decide(service, List.of(running("a", "ecs-svc/1"), justStarted));
        assertThat(early.stops()).isEmpty();
        assertThat(early.next().primary().orElseThrow().rolloutState()).isEqualTo(RolloutState.IN_PROGRESS);
        ServicePlan settled = controller.decide(new ServiceSnapshot(service, List.of(running("a", "ecs-svc/1"), justStarted), T0.plusSeconds(4)));
        assertThat(settled.stops()).extracting(StopOrder::taskId).containsExactly("a");
    }

    @Test
    void scalingDownStopsTheNewestTasksWithTheSchedulersReason()
    {
        Service service = service(1, DeploymentConfiguration.DEFAULT, primary("ecs-svc/1", REVISION_1, List.of("a", "b", "c")));
        ServicePlan plan = decide(service, List.of(running("a", "ecs-svc/1", T0), running("b", "ecs-svc/1", T0.plusSeconds(1)),
                running("c", "ecs-svc/1", T0.plusSeconds(2))));
        assertThat(plan.stops()).extracting(StopOrder::taskId).containsExactlyInAnyOrder("c", "b");
        assertThat(plan.stops()).extracting(StopOrder::reason).containsOnly("Scaling activity initiated by (deployment ecs-svc/1)");
        assertThat(plan.launches()).isEmpty();
        assertThat(messages(plan)).containsExactly("(service web) has stopped 2 running tasks: (task c) (task b).");
    }

    @Test
    void aStoppedTaskIsReplacedAndCountsAsAFailure()
    {
        Service service = service(2, DeploymentConfiguration.DEFAULT, primary("ecs-svc/1", REVISION_1, List.of("a", "b")));
        ServicePlan plan = decide(service, List.of(running("a", "ecs-svc/1"), stopped("b", "ecs-svc/1", StopCodes.ESSENTIAL_CONTAINER_EXITED)));
        // the first failure waits the base back-off (1 s) before the replacement starts
        assertThat(plan.launches()).isEmpty();
        assertThat(plan.next().consecutiveFailures()).isEqualTo(1);
        assertThat(plan.next().launchNotBefore()).isEqualTo(T0.plusSeconds(1));
        assertThat(plan.next().primary().orElseThrow().failedTasks()).isEqualTo(1);
        assertThat(plan.next().primary().orElseThrow().taskIds()).containsExactly("a");
        assertThat(messages(plan).getFirst()).startsWith("(service web) is unable to consistently start tasks successfully: 1 tasks failed in a row");

        ServicePlan later = controller.decide(new ServiceSnapshot(plan.next(), List.of(running("a", "ecs-svc/1")), T0.plusSeconds(1)));
        assertThat(later.launches()).containsExactly(new Launch("ecs-svc/1", REVISION_1, 1));
    }

    @Test
    void aTaskTheSchedulerStoppedIsNoFailure()
    {
        Service service = service(1, DeploymentConfiguration.DEFAULT, primary("ecs-svc/1", REVISION_1, List.of("a", "b")));
        ServicePlan plan = decide(service, List.of(running("a", "ecs-svc/1"), stopped("b", "ecs-svc/1", StopCodes.SERVICE_SCHEDULER_INITIATED)));
        assertThat(plan.next().consecutiveFailures()).isZero();
        assertThat(plan.next().primary().orElseThrow().failedTasks()).isZero();
        assertThat(plan.next().steady()).isTrue();
    }

    @Test
    void tasksStoppedWithTheirLostHostAreReplacedAtOnceWithoutFailures()
    {
        Service service = service(2, DeploymentConfiguration.DEFAULT, primary("ecs-svc/1", REVISION_1, List.of("a", "b")));
        List<ServiceTask> lost = List.of("a", "b").stream()
                .map(id -> new ServiceTask(id, "ecs-svc/1", TaskStatus.STOPPED, TaskStatus.STOPPED, T0.minusSeconds(30), T0.minusSeconds(30),
                        StopCodes.ESSENTIAL_CONTAINER_EXITED, "Host h1 was lost: no heartbeat since 2025-01-01T00:00:00Z", null, false, null, true))
                .toList();
        ServicePlan plan = decide(service, lost);
        assertThat(plan.launches()).containsExactly(new Launch("ecs-svc/1", REVISION_1, 2));
        assertThat(plan.next().consecutiveFailures()).isZero();
        assertThat(plan.next().primary().orElseThrow().failedTasks()).isZero();
    }

    @Test
    void backOffDoublesUpToItsCap()
    {
        ServiceControllerSettings settings = new ServiceControllerSettings(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(5));
        assertThat(settings.backOff(0)).isEqualTo(Duration.ZERO);
        assertThat(settings.backOff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.backOff(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(settings.backOff(5)).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.backOff(500)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void rollingDeploymentStartsNewTasksFirstThenStopsOldOnesAtMaximum200Minimum100()
    {
        Deployment old = primary("ecs-svc/1", REVISION_1, List.of("a", "b")).withStatus(Deployment.Status.ACTIVE, T0);
        Service service = service(2, DeploymentConfiguration.DEFAULT, primary("ecs-svc/2", REVISION_2, List.of()), old);
        List<ServiceTask> oldTasks = List.of(running("a", "ecs-svc/1"), running("b", "ecs-svc/1"));

        ServicePlan start = decide(service, oldTasks);
        assertThat(start.launches()).containsExactly(new Launch("ecs-svc/2", REVISION_2, 2));
        assertThat(start.stops()).isEmpty();

        // the new tasks are pending: no old task may stop yet (healthy would drop under 100 %)
        Service withNew = withPrimaryTasks(start.next(), List.of("c", "d"));
        List<ServiceTask> pending = new ArrayList<>(oldTasks);
        pending.add(task("c", "ecs-svc/2", TaskStatus.PENDING));
        pending.add(task("d", "ecs-svc/2", TaskStatus.PENDING));
        ServicePlan waiting = decide(withNew, pending);
        assertThat(waiting.stops()).isEmpty();
        assertThat(waiting.launches()).isEmpty();

        List<ServiceTask> allRunning = new ArrayList<>(oldTasks);
        allRunning.add(running("c", "ecs-svc/2"));
        allRunning.add(running("d", "ecs-svc/2"));
        ServicePlan replace = decide(withNew, allRunning);
        assertThat(replace.stops()).extracting(StopOrder::taskId).containsExactlyInAnyOrder("a", "b");
        assertThat(replace.next().steady()).isFalse();

        ServicePlan done = decide(replace.next(), List.of(stopped("a", "ecs-svc/1", StopCodes.SERVICE_SCHEDULER_INITIATED),
                stopped("b", "ecs-svc/1", StopCodes.SERVICE_SCHEDULER_INITIATED), running("c", "ecs-svc/2"), running("d", "ecs-svc/2")));
        assertThat(done.next().deployments()).extracting(Deployment::id).containsExactly("ecs-svc/2");
        assertThat(done.next().primary().orElseThrow().rolloutState()).isEqualTo(RolloutState.COMPLETED);
        assertThat(done.next().steady()).isTrue();
    }

    @Test
    void rollingDeploymentAtMaximum100Minimum50StopsHalfFirst()
    {
        DeploymentConfiguration configuration = new DeploymentConfiguration(100, 50, false, false);
        Deployment old = primary("ecs-svc/1", REVISION_1, List.of("a", "b", "c", "d")).withStatus(Deployment.Status.ACTIVE, T0);
        Service service = service(4, configuration, primary("ecs-svc/2", REVISION_2, List.of()), old);
        ServicePlan plan = decide(service, List.of(running("a", "ecs-svc/1"), running("b", "ecs-svc/1"), running("c", "ecs-svc/1"), running("d", "ecs-svc/1")));
        // no room above 100 %, and 2 of 4 may stop while 2 stay healthy
        assertThat(plan.launches()).isEmpty();
        assertThat(plan.stops()).hasSize(2);

        // the two stopping still take room until they are STOPPED
        List<ServiceTask> afterStops = List.of(stopping("a", "ecs-svc/1"), stopping("b", "ecs-svc/1"), running("c", "ecs-svc/1"), running("d", "ecs-svc/1"));
        assertThat(decide(plan.next(), afterStops).launches()).isEmpty();
        List<ServiceTask> stoppedTwo = List.of(stopped("a", "ecs-svc/1", StopCodes.SERVICE_SCHEDULER_INITIATED),
                stopped("b", "ecs-svc/1", StopCodes.SERVICE_SCHEDULER_INITIATED), running("c", "ecs-svc/1"), running("d", "ecs-svc/1"));
        ServicePlan refill = decide(plan.next(), stoppedTwo);
        assertThat(refill.launches()).containsExactly(new Launch("ecs-svc/2", REVISION_2, 2));
        assertThat(refill.stops()).isEmpty();
    }

    @Test
    void circuitBreakerThresholdIsEcssRule()
    {
        assertThat(DeploymentConfiguration.failureThreshold(1)).isEqualTo(3);
        assertThat(DeploymentConfiguration.failureThreshold(7)).isEqualTo(4);
        assertThat(DeploymentConfiguration.failureThreshold(10)).isEqualTo(5);
        assertThat(DeploymentConfiguration.failureThreshold(1000)).isEqualTo(200);
    }

    @Test
    void circuitBreakerFailsTheDeploymentAndRollsBackToTheLastCompletedOne()
    {
        DeploymentConfiguration configuration = new DeploymentConfiguration(200, 100, true, true);
        Deployment old = primary("ecs-svc/1", REVISION_1, List.of("a", "b")).withStatus(Deployment.Status.ACTIVE, T0);
        Deployment failing = primary("ecs-svc/2", REVISION_2, List.of("c", "d", "e"));
        Service service = service(2, configuration, failing, old).toBuilder().lastCompletedTaskDefinitionArn(REVISION_1).taskDefinitionArn(REVISION_2).build();
        ServicePlan plan = decide(service, List.of(running("a", "ecs-svc/1"), running("b", "ecs-svc/1"),
                stopped("c", "ecs-svc/2", StopCodes.ESSENTIAL_CONTAINER_EXITED), stopped("d", "ecs-svc/2", StopCodes.ESSENTIAL_CONTAINER_EXITED),
                stopped("e", "ecs-svc/2", StopCodes.TASK_FAILED_TO_START)));

        Service next = plan.next();
        Deployment rollback = next.primary().orElseThrow();
        assertThat(rollback.taskDefinitionArn()).isEqualTo(REVISION_1);
        assertThat(rollback.rolloutState()).isEqualTo(RolloutState.IN_PROGRESS);
        assertThat(next.taskDefinitionArn()).isEqualTo(REVISION_1);
        // the failed deployment has no task left, so it is gone; the old one keeps its two tasks
        assertThat(next.deployments()).extracting(Deployment::id).containsExactly(rollback.id(), "ecs-svc/1");
        assertThat(messages(plan)).contains("(service web) deployment ecs-svc/2 deployment failed: tasks failed to start.");
        assertThat(next.consecutiveFailures()).isZero();
        // the rollback starts its own tasks beside the old ones (room at 200 %)
        assertThat(plan.launches()).containsExactly(new Launch(rollback.id(), REVISION_1, 2));
    }

    @Test
    void circuitBreakerWithoutRollbackMarksFailedAndStartsNoMore()
    {
        DeploymentConfiguration configuration = new DeploymentConfiguration(200, 100, true, false);
        Service service = service(1, configuration, primary("ecs-svc/2", REVISION_2, List.of("c", "d", "e")));
        ServicePlan plan = decide(service, List.of(stopped("c", "ecs-svc/2", StopCodes.ESSENTIAL_CONTAINER_EXITED),
                stopped("d", "ecs-svc/2", StopCodes.ESSENTIAL_CONTAINER_EXITED), stopped("e", "ecs-svc/2", StopCodes.ESSENTIAL_CONTAINER_EXITED)));
        Deployment primary = plan.next().primary().orElseThrow();
        assertThat(primary.rolloutState()).isEqualTo(RolloutState.FAILED);
        assertThat(primary.rolloutStateReason()).isEqualTo("ECS deployment circuit breaker: tasks failed to start.");
        assertThat(primary.failedTasks()).isEqualTo(3);
        ServicePlan later = controller.decide(new ServiceSnapshot(plan.next(), List.of(), T0.plusSeconds(3600)));
        assertThat(later.launches()).isEmpty();
    }

    @Test
    void belowTheThresholdTheDeploymentGoesOn()
    {
        DeploymentConfiguration configuration = new DeploymentConfiguration(200, 100, true, true);
        Service service = service(2, configuration, primary("ecs-svc/2", REVISION_2, List.of("c", "d")));
        ServicePlan plan = decide(service, List.of(stopped("c", "ecs-svc/2", StopCodes.ESSENTIAL_CONTAINER_EXITED),
                stopped("d", "ecs-svc/2", StopCodes.ESSENTIAL_CONTAINER_EXITED)));
        assertThat(plan.next().primary().orElseThrow().rolloutState()).isEqualTo(RolloutState.IN_PROGRESS);
        assertThat(plan.next().primary().orElseThrow().failedTasks()).isEqualTo(2);
    }

    @Test
    void aDrainingServiceStopsEverythingThenTurnsInactive()
    {
        Service service = service(2, DeploymentConfiguration.DEFAULT, primary("ecs-svc/1", REVISION_1, List.of("a", "b")))
                .toBuilder().status(Service.Status.DRAINING).desiredCount(0).build();
        ServicePlan plan = decide(service, List.of(running("a", "ecs-svc/1"), running("b", "ecs-svc/1")));
        assertThat(plan.stops()).hasSize(2);
        assertThat(plan.next().status()).isEqualTo(Service.Status.DRAINING);
        ServicePlan done = decide(plan.next(), List.of(stopped("a", "ecs-svc/1", StopCodes.SERVICE_SCHEDULER_INITIATED),
                stopped("b", "ecs-svc/1", StopCodes.SERVICE_SCHEDULER_INITIATED)));
        assertThat(done.next().status()).isEqualTo(Service.Status.INACTIVE);
        assertThat(done.launches()).isEmpty();
    }

    @Test
    void aTaskOnADrainingHostIsReplacedBeforeItIsStopped()
    {
        Service service = service(1, DeploymentConfiguration.DEFAULT, primary("ecs-svc/1", REVISION_1, List.of("a")));
        ServiceTask onDraining = new ServiceTask("a", "ecs-svc/1", TaskStatus.RUNNING, TaskStatus.RUNNING, T0.minusSeconds(30), T0.minusSeconds(30), null, null,
                null, true, null);
        ServicePlan plan = decide(service, List.of(onDraining));
        assertThat(plan.launches()).containsExactly(new Launch("ecs-svc/1", REVISION_1, 1));
        assertThat(plan.stops()).isEmpty();

        Service withReplacement = withPrimaryTasks(plan.next(), List.of("a", "b"));
        assertThat(decide(withReplacement, List.of(onDraining, task("b", "ecs-svc/1", TaskStatus.PENDING))).stops()).isEmpty();
        ServicePlan swap = decide(withReplacement, List.of(onDraining, running("b", "ecs-svc/1")));
        assertThat(swap.stops()).extracting(StopOrder::taskId).containsExactly("a");
        assertThat(swap.launches()).isEmpty();
    }

    @Test
    void aTaskNoHostTakesIsReportedOnce()
    {
        Service service = service(1, DeploymentConfiguration.DEFAULT, primary("ecs-svc/1", REVISION_1, List.of("a")));
        ServiceTask unplaced = new ServiceTask("a", "ecs-svc/1", TaskStatus.PROVISIONING, TaskStatus.RUNNING, null, T0, null, null, null, false,
                "no host has enough memory");
        ServicePlan plan = decide(service, List.of(unplaced));
        assertThat(messages(plan)).containsExactly("(service web) was unable to place a task because no host has enough memory");
        assertThat(decide(plan.next(), List.of(unplaced)).next().events()).isEqualTo(plan.next().events());
    }

    @Test
    void aTaskStartedBeforeACrashIsAdoptedByItsStartedBy()
    {
        Service service = service(1, DeploymentConfiguration.DEFAULT, primary("ecs-svc/1", REVISION_1, List.of()));
        ServicePlan plan = decide(service, List.of(running("orphan", "ecs-svc/1")));
        assertThat(plan.launches()).isEmpty();
        assertThat(plan.next().primary().orElseThrow().taskIds()).containsExactly("orphan");
    }

    @Test
    void aLoadBalancedTaskCountsOnlyOnceHealthyInItsTargetGroups()
    {
        Deployment old = primary("ecs-svc/1", REVISION_1, List.of("a")).withStatus(Deployment.Status.ACTIVE, T0);
        Service service = balanced(service(1, DeploymentConfiguration.DEFAULT, primary("ecs-svc/2", REVISION_2, List.of("b")), old), null);
        ServiceTask oldTask = running("a", "ecs-svc/1").withTargets(TargetStatus.HEALTHY);
        // RUNNING long past the settle time, but not yet healthy in the target group: the old task keeps serving
        ServicePlan pending = decide(service, List.of(oldTask, running("b", "ecs-svc/2").withTargets(TargetStatus.PENDING)));
        assertThat(pending.stops()).isEmpty();
        assertThat(pending.next().steady()).isFalse();
        ServicePlan healthy = decide(service, List.of(oldTask, running("b", "ecs-svc/2").withTargets(TargetStatus.HEALTHY)));
        assertThat(healthy.stops()).extracting(StopOrder::taskId).containsExactly("a");
    }

    @Test
    void aLoadBalancedTaskOnADrainingHostIsStoppedOnlyOnceItsReplacementIsAHealthyTarget()
    {
        Service service = balanced(service(1, DeploymentConfiguration.DEFAULT, primary("ecs-svc/1", REVISION_1, List.of("a", "b"))), null);
        ServiceTask onDraining = new ServiceTask("a", "ecs-svc/1", TaskStatus.RUNNING, TaskStatus.RUNNING, T0.minusSeconds(30), T0.minusSeconds(30), null, null,
                null, true, null, false, "10.0.0.1", false, TargetStatus.HEALTHY, false);
        assertThat(decide(service, List.of(onDraining, running("b", "ecs-svc/1").withTargets(TargetStatus.PENDING))).stops()).isEmpty();
        assertThat(decide(service, List.of(onDraining, running("b", "ecs-svc/1").withTargets(TargetStatus.HEALTHY))).stops())
                .extracting(StopOrder::taskId).containsExactly("a");
    }

    @Test
    void aTaskUnhealthyInItsTargetGroupIsReplacedOnlyAfterTheGracePeriod()
    {
        String group = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef";
        Service service = balanced(service(2, DeploymentConfiguration.DEFAULT, primary("ecs-svc/1", REVISION_1, List.of("a", "b"))), 60);
        ServiceTask sick = running("b", "ecs-svc/1").withTargets(TargetStatus.unhealthy(group));
        ServiceTask good = running("a", "ecs-svc/1").withTargets(TargetStatus.HEALTHY);
        // started 30 s ago, grace 60 s: its failures are ignored for now
        ServicePlan inGrace = decide(service, List.of(good, sick));
        assertThat(inGrace.stops()).isEmpty();
        assertThat(inGrace.launches()).isEmpty();
        ServicePlan after = controller.decide(new ServiceSnapshot(service, List.of(good, sick), T0.plusSeconds(31)));
        assertThat(after.stops()).containsExactly(new StopOrder("b", "Task failed ELB health checks in (target-group " + group + ")"));
        assertThat(after.launches()).containsExactly(new Launch("ecs-svc/1", REVISION_1, 1));
        assertThat(after.next().events().stream().map(ServiceEvent::message).toList())
                .contains("(service web) (task b) is unhealthy in (target-group " + group + ") due to (reason Health checks failed).");
    }

    @Test
    void tasksFailingTheirLoadBalancersHealthCheckTripTheCircuitBreaker()
    {
        String group = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef";
        DeploymentConfiguration configuration = new DeploymentConfiguration(200, 100, true, true);
        Deployment old = primary("ecs-svc/1", REVISION_1, List.of("a")).withStatus(Deployment.Status.ACTIVE, T0);
        Deployment failing = primary("ecs-svc/2", REVISION_2, List.of("c", "d", "e"));
        Service service = balanced(service(1, configuration, failing, old), 0).toBuilder()
                .lastCompletedTaskDefinitionArn(REVISION_1).taskDefinitionArn(REVISION_2).build();
        List<ServiceTask> sick = List.of(running("c", "ecs-svc/2").withTargets(TargetStatus.unhealthy(group)));

        // one sick task: stopped, and counted once as a failed task of its deployment
        ServicePlan first = decide(service, List.of(running("a", "ecs-svc/1").withTargets(TargetStatus.HEALTHY), sick.getFirst()));
        assertThat(first.stops()).extracting(StopOrder::taskId).containsExactly("c");
        assertThat(first.next().primary().orElseThrow().failedTasks()).isEqualTo(1);
        // while it drains before its stop (and once STOPPED by the scheduler) it is not counted again
        ServicePlan draining = decide(first.next(), List.of(running("a", "ecs-svc/1").withTargets(TargetStatus.HEALTHY), sick.getFirst().withStopping(true)));
        assertThat(draining.next().primary().orElseThrow().failedTasks()).isEqualTo(1);
        ServicePlan stoppedByScheduler = decide(draining.next(), List.of(running("a", "ecs-svc/1").withTargets(TargetStatus.HEALTHY),
                stopped("c", "ecs-svc/2", StopCodes.SERVICE_SCHEDULER_INITIATED)));
        assertThat(stoppedByScheduler.next().primary().orElseThrow().failedTasks()).isEqualTo(1);

        // the third task failing its health check reaches ECS's threshold (3 for one task): the deployment fails and rolls back
        Service twoFailed = stoppedByScheduler.next().toBuilder().deployments(stoppedByScheduler.next().deployments().stream()
                .map(deployment -> deployment.id().equals("ecs-svc/2") ? deployment.withTasks(List.of("e"), 1, 0, 2) : deployment).toList()).build();
        ServicePlan tripped = decide(twoFailed, List.of(running("a", "ecs-svc/1").withTargets(TargetStatus.HEALTHY),
                running("e", "ecs-svc/2").withTargets(TargetStatus.unhealthy(group))));
        assertThat(tripped.next().deployments()).anySatisfy(deployment -> {
            assertThat(deployment.id()).isEqualTo("ecs-svc/2");
            assertThat(deployment.rolloutState()).isEqualTo(RolloutState.FAILED);
            assertThat(deployment.failedTasks()).isEqualTo(3);
        });
        assertThat(tripped.next().primary().orElseThrow().taskDefinitionArn()).isEqualTo(REVISION_1);
        assertThat(messages(tripped)).contains("(service web) deployment ecs-svc/2 deployment failed: tasks failed to start.");
    }

    @Test
    void aTaskDrainingBeforeItsStopIsNotCountedTowardsTheDesiredCountNorStoppedAgainButShowsAsRunning()
    {
        Service service = balanced(service(1, DeploymentConfiguration.DEFAULT, primary("ecs-svc/1", REVISION_1, List.of("a", "b"))), null);
        ServiceTask draining = running("b", "ecs-svc/1").withTargets(TargetStatus.HEALTHY).withStopping(true);
        ServicePlan plan = decide(service, List.of(running("a", "ecs-svc/1").withTargets(TargetStatus.HEALTHY), draining));
        assertThat(plan.stops()).isEmpty();
        assertThat(plan.launches()).isEmpty();
        assertThat(messages(plan)).noneMatch(message -> message.contains("has stopped"));
        // ECS counts a task RUNNING until it stops, also while its target waits out the deregistration delay
        assertThat(plan.next().runningCount()).isEqualTo(2);
        assertThat(plan.next().pendingCount()).isZero();
        // still there, so not yet steady: the deployment has a task left to stop
        assertThat(plan.next().primary().orElseThrow().taskIds()).containsExactly("a", "b");
        assertThat(plan.next().steady()).isFalse();
    }

    @Test
    void onlyATaskRunningWithItsHealthCheckPassedIsRegistered()
    {
        ServiceTask unknown = new ServiceTask("a", "ecs-svc/1", TaskStatus.RUNNING, TaskStatus.RUNNING, T0, T0, null, null, "UNKNOWN", false, null, false,
                "10.0.0.1", false, TargetStatus.PENDING, false);
        assertThat(unknown.registrable()).isFalse();
        ServiceTask healthy = new ServiceTask("a", "ecs-svc/1", TaskStatus.RUNNING, TaskStatus.RUNNING, T0, T0, null, null, "HEALTHY", false, null, false,
                "10.0.0.1", false, TargetStatus.PENDING, false);
        assertThat(healthy.registrable()).isTrue();
        assertThat(healthy.withStopping(true).registrable()).isFalse();
        ServiceTask withoutCheck = new ServiceTask("a", "ecs-svc/1", TaskStatus.RUNNING, TaskStatus.RUNNING, T0, T0, null, null, null, false, null, false,
                null, false, TargetStatus.PENDING, false);
        assertThat(withoutCheck.registrable()).as("no address reported yet").isFalse();
    }

    private ServicePlan decide(Service service, List<ServiceTask> tasks)
    {
        return controller.decide(new ServiceSnapshot(service, tasks, T0));
    }

    /** The events this plan added, newest first. */
    private static List<String> messages(ServicePlan plan)
    {
        return plan.next().events().stream().filter(event -> event.createdAt().equals(T0)).map(ServiceEvent::message).toList();
    }

    private static Service withPrimaryTasks(Service service, List<String> taskIds)
    {
        List<Deployment> deployments = service.deployments().stream()
                .map(deployment -> deployment.status() == Deployment.Status.PRIMARY ? deployment.withTasks(taskIds, 0, taskIds.size(), deployment.failedTasks()) : deployment)
                .toList();
        return service.toBuilder().deployments(deployments).build();
    }

    private static Service balanced(Service service, Integer gracePeriodSeconds)
    {
        return service.toBuilder()
                .loadBalancers(List.of(new ServiceLoadBalancer("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef", "web", 8080)))
                .healthCheckGracePeriodSeconds(gracePeriodSeconds)
                .build();
    }

    private static Deployment primary(String id, String taskDefinition, List<String> taskIds)
    {
        return Deployment.start(id, taskDefinition, 0, T0.minusSeconds(60)).withTasks(taskIds, 0, 0, 0);
    }

    private static Service service(int desiredCount, DeploymentConfiguration configuration, Deployment... deployments)
    {
        return new Service("123456789012", "web", "arn:aws:ecs:us-east-1:123456789012:service/default/web", "default",
                "arn:aws:ecs:us-east-1:123456789012:cluster/default", Service.Status.ACTIVE, desiredCount, deployments[0].taskDefinitionArn(), "1.4.0",
                configuration, null, null, null, null, null, null, false, null, T0.minusSeconds(60), List.of(deployments), List.of(), 0, null, null, false, 1);
    }

    private static ServiceTask running(String id, String deploymentId)
    {
        return running(id, deploymentId, T0.minusSeconds(30));
    }

    private static ServiceTask running(String id, String deploymentId, Instant createdAt)
    {
        return new ServiceTask(id, deploymentId, TaskStatus.RUNNING, TaskStatus.RUNNING, createdAt, createdAt, null, null, null, false, null);
    }

    private static ServiceTask task(String id, String deploymentId, TaskStatus status)
    {
        return new ServiceTask(id, deploymentId, status, TaskStatus.RUNNING, null, T0.minusSeconds(10), null, null, null, false, null);
    }

    private static ServiceTask stopping(String id, String deploymentId)
    {
        return new ServiceTask(id, deploymentId, TaskStatus.RUNNING, TaskStatus.STOPPED, T0.minusSeconds(30), T0.minusSeconds(30),
                StopCodes.SERVICE_SCHEDULER_INITIATED, "Scaling activity", null, false, null);
    }

    private static ServiceTask stopped(String id, String deploymentId, String stopCode)
    {
        return new ServiceTask(id, deploymentId, TaskStatus.STOPPED, TaskStatus.STOPPED, T0.minusSeconds(30), T0.minusSeconds(30), stopCode,
                "Essential container in task exited", null, false, null);
    }
}
