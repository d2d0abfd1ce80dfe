package io.berth.controlplane.services;

import io.berth.controlplane.services.Deployment.RolloutState;
import io.berth.controlplane.services.ServicePlan.Launch;
import io.berth.controlplane.services.ServicePlan.StopOrder;
import io.berth.controlplane.tasks.TaskStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * The service controller's decisions: a pure function from a {@link ServiceSnapshot} to a {@link ServicePlan}, no
 * I/O, so that rolling math, the circuit breaker and the back-off are tested without a cluster.
 *
 * <p>Each pass: count each deployment's tasks (a task seen STOPPED for the first time that the scheduler did not stop
 * is a failure of its deployment); trip the circuit breaker (ECS's threshold) and roll back to the last COMPLETED
 * task definition when asked; stop the primary's tasks above desiredCount; stop tasks of older deployments and of
 * draining hosts while enough healthy tasks remain (minimumHealthyPercent); start the primary's missing tasks within
 * maximumPercent unless backing off; retire older deployments without tasks; mark the primary COMPLETED and the
 * service steady when all its tasks are healthy.
 */
public final class ServiceController
{
    private final ServiceControllerSettings settings;
    private final Supplier<String> deploymentIds;
    private final Supplier<String> eventIds;

    public ServiceController(ServiceControllerSettings settings, Supplier<String> deploymentIds, Supplier<String> eventIds)
    {
        this.settings = requireNonNull(settings, "settings is null");
        this.deploymentIds = requireNonNull(deploymentIds, "deploymentIds is null");
        this.eventIds = requireNonNull(eventIds, "eventIds is null");
    }

    /** The wait before the next launch after this many failures in a row. */
    public Duration backOff(int consecutiveFailures)
    {
        return settings.backOff(consecutiveFailures);
    }

    /** Whether the task counts as healthy now (for load balancer registration as for rollouts). */
    public boolean healthy(ServiceTask task, Instant now)
    {
        return task.healthy(now, settings.settleTime());
    }

    public ServicePlan decide(ServiceSnapshot snapshot)
    {
        Pass pass = new Pass(snapshot);
        return pass.run();
    }

    /** One decision's working state. */
    private final class Pass
    {
        private final Service service;
        private final Instant now;
        private final Map<String, ServiceTask> tasksById = new LinkedHashMap<>();
        private final List<String> newEvents = new ArrayList<>();
        private final List<StopOrder> stops = new ArrayList<>();
        private final List<Launch> launches = new ArrayList<>();
        private final Map<String, List<ServiceTask>> aliveByDeployment = new LinkedHashMap<>();
        private List<Deployment> deployments;
        private int consecutiveFailures;
        private Instant launchNotBefore;
        private String lastCompleted;
        private String taskDefinitionArn;

        Pass(ServiceSnapshot snapshot)
        {
            this.service = snapshot.service();
            this.now = snapshot.now();
            snapshot.tasks().forEach(task -> tasksById.put(task.taskId(), task));
            this.consecutiveFailures = service.consecutiveFailures();
            this.launchNotBefore = service.launchNotBefore();
            this.lastCompleted = service.lastCompletedTaskDefinitionArn();
            this.taskDefinitionArn = service.taskDefinitionArn();
        }

        ServicePlan run()
        {
            countTasks();
            // before the circuit breaker: ECS counts a task failing its load balancer's health check as a failed task
            Set<String> failingTargets = stopFailingTargets();
            tripCircuitBreaker();
            int desired = service.status() == Service.Status.ACTIVE ? service.desiredCount() : 0;
            Deployment primary = deployments.stream().filter(d -> d.status() == Deployment.Status.PRIMARY).findFirst().orElseThrow();
            String stopReason = "Scaling activity initiated by (deployment " + primary.id() + ")";
            List<ServiceTask> primaryAlive = aliveByDeployment.get(primary.id());
            List<ServiceTask> primaryWanted = new ArrayList<>(primaryAlive.stream()
                    .filter(task -> task.wanted() && !failingTargets.contains(task.taskId()))
                    .toList());

            // the primary above its desired count: the least useful first (not yet healthy, then the newest); a task under
            // scale-in protection stays while the service is ACTIVE (above its desired count until the protection ends),
            // but not through a DeleteService
            List<ServiceTask> keep = new ArrayList<>(primaryWanted.stream().filter(task -> !task.onDrainingHost()).toList());
            List<ServiceTask> replaceable = new ArrayList<>(primaryWanted.stream().filter(ServiceTask::onDrainingHost).toList());
            keep.sort(Comparator.comparing(this::healthy).reversed().thenComparing(ServiceTask::createdAt));
            for (int index = keep.size() - 1; index >= 0 && keep.size() > desired; index--) {
                if (!keep.get(index).scaleInProtected() || service.status() != Service.Status.ACTIVE) {
                    stop(keep.remove(index), stopReason);
                }
            }
            for (Deployment deployment : deployments) {
                if (deployment != primary) {
                    replaceable.addAll(aliveByDeployment.get(deployment.id()).stream()
                            .filter(task -> task.wanted() && !failingTargets.contains(task.taskId()))
                            .toList());
                }
            }
            boolean primaryFailed = primary.rolloutState() == RolloutState.FAILED;

            // older tasks: those not serving (not RUNNING, or UNHEALTHY) go at once; serving ones while the tasks
            // counted healthy stay at the minimum. An older task counts while it serves, a new one only once healthy
            // (settled), so a new revision that crashes at once never takes a good task's place.
            int minimumHealthy = service.deploymentConfiguration().minimumHealthyTasks(desired);
            int healthy = (int) (keep.stream().filter(this::healthy).count() + replaceable.stream().filter(ServiceTask::serving).count());
            replaceable.sort(Comparator.comparing(ServiceTask::serving).thenComparing(ServiceTask::createdAt));
            for (ServiceTask task : replaceable) {
                if (!task.serving()) {
                    if (!primaryFailed || desired == 0) {
                        stop(task, stopReason);
                    }
                    continue;
                }
                // a failed deployment without rollback keeps what still runs of the older one
                if (primaryFailed && desired > 0) {
                    continue;
                }
                if (healthy - 1 >= minimumHealthy) {
                    stop(task, stopReason);
                    healthy--;
                }
            }

            // start what the primary lacks, within maximumPercent of tasks not yet STOPPED (stopping ones included)
            int total = aliveByDeployment.values().stream().mapToInt(List::size).sum();
            int room = Math.max(service.deploymentConfiguration().maximumTasks(desired), desired) - total;
            int missing = desired - keep.size();
            boolean backingOff = launchNotBefore != null && now.isBefore(launchNotBefore);
            if (missing > 0 && room > 0 && !primaryFailed && !backingOff) {
                launches.add(new Launch(primary.id(), primary.taskDefinitionArn(), Math.min(missing, room)));
            }
            reportUnplaceable(primaryWanted);
            return finish(primary, desired, keep);
        }

        /**
         * Stops the tasks unhealthy in a target group once the service's grace period after their start is over (ECS
         * replaces them, whatever the minimum healthy percent) and counts each as a failed task of its deployment, once
         * (the stop is by the scheduler, so its STOPPED is no failure again); returns their ids.
         */
        private Set<String> stopFailingTargets()
        {
            Set<String> failing = new LinkedHashSet<>();
            Map<String, Integer> failuresByDeployment = new LinkedHashMap<>();
            Duration grace = service.gracePeriod();
            aliveByDeployment.forEach((deploymentId, alive) -> alive.stream().filter(task -> task.failingTargets(now, grace)).forEach(task -> {
                String targetGroup = task.targets().unhealthyTargetGroupArn();
                event("(task " + task.taskId() + ") is unhealthy in (target-group " + targetGroup + ") due to (reason Health checks failed).");
                stop(task, "Task failed ELB health checks in (target-group " + targetGroup + ")");
                failing.add(task.taskId());
                failuresByDeployment.merge(deploymentId, 1, Integer::sum);
            }));
            deployments = deployments.stream()
                    .map(deployment -> deployment.withTasks(deployment.taskIds(), deployment.runningCount(), deployment.pendingCount(),
                            deployment.failedTasks() + failuresByDeployment.getOrDefault(deployment.id(), 0)))
                    .toList();
            return failing;
        }

        /** Sets deployments with each one's alive tasks, counts and failures; updates the back-off. */
        private void countTasks()
        {
            List<Deployment> counted = new ArrayList<>();
            String lastFailure = null;
            int failuresNow = 0;
            for (Deployment deployment : service.deployments()) {
                Set<String> ids = new LinkedHashSet<>(deployment.taskIds());
                tasksById.values().stream()
                        .filter(task -> deployment.id().equals(task.startedBy()) && !task.stopped())
                        .forEach(task -> ids.add(task.taskId()));
                List<ServiceTask> alive = new ArrayList<>();
                int failed = deployment.failedTasks();
                for (String id : ids) {
                    ServiceTask task = tasksById.get(id);
                    if (task == null || task.stopped()) {
                        // first seen STOPPED (or already forgotten): no longer tracked, counted once if it failed
                        if (task != null && task.failed()) {
                            failed++;
                            failuresNow++;
                            lastFailure = task.stoppedReason();
                        }
                        continue;
                    }
                    alive.add(task);
                }
                aliveByDeployment.put(deployment.id(), alive);
                // as ECS counts: every task still RUNNING, those waiting out their deregistration delay (or told to stop) too, until they stop
                int running = (int) alive.stream().filter(task -> task.lastStatus() == TaskStatus.RUNNING).count();
                int pending = (int) alive.stream().filter(task -> task.wanted() && task.lastStatus() != TaskStatus.RUNNING).count();
                counted.add(deployment.withTasks(alive.stream().map(ServiceTask::taskId).toList(), running, pending, failed));
            }
            deployments = counted;
            if (failuresNow > 0) {
                consecutiveFailures += failuresNow;
                Duration delay = settings.backOff(consecutiveFailures);
                launchNotBefore = now.plus(delay);
                event("is unable to consistently start tasks successfully: " + consecutiveFailures + " tasks failed in a row, the last with '"
                        + (lastFailure == null ? "no reason given" : lastFailure) + "'. The next task starts in " + delay.toSeconds() + " s at the earliest.");
            }
        }

        private void tripCircuitBreaker()
        {
            DeploymentConfiguration configuration = service.deploymentConfiguration();
            Deployment primary = deployments.stream().filter(d -> d.status() == Deployment.Status.PRIMARY).findFirst().orElseThrow();
            if (!configuration.circuitBreakerEnable() || primary.rolloutState() != RolloutState.IN_PROGRESS
                    || primary.failedTasks() < DeploymentConfiguration.failureThreshold(service.desiredCount())) {
                return;
            }
            Deployment failed = primary.withRollout(RolloutState.FAILED, "ECS deployment circuit breaker: tasks failed to start.", now);
            event("deployment " + primary.id() + " deployment failed: tasks failed to start.");
            List<Deployment> next = new ArrayList<>();
            if (configuration.circuitBreakerRollback() && lastCompleted != null) {
                Deployment rollback = Deployment.start(deploymentIds.get(), lastCompleted, service.desiredCount(), now);
                event("deployment " + primary.id() + " rolling back to " + rollback.id() + " of " + lastCompleted + ".");
                next.add(rollback);
                next.add(failed.withStatus(Deployment.Status.ACTIVE, now));
                aliveByDeployment.put(rollback.id(), new ArrayList<>());
                taskDefinitionArn = lastCompleted;
                consecutiveFailures = 0;
                launchNotBefore = null;
            }
            else {
                next.add(failed);
            }
            deployments.stream().filter(d -> d != primary).forEach(next::add);
            deployments = next;
        }

        private void reportUnplaceable(List<ServiceTask> primaryWanted)
        {
            primaryWanted.stream()
                    .map(ServiceTask::placementMessage)
                    .filter(message -> message != null && !message.isEmpty())
                    .findFirst()
                    .map(message -> "was unable to place a task because " + message)
                    .filter(message -> service.events().isEmpty() || !service.events().getFirst().message().equals(prefix() + message))
                    .ifPresent(this::event);
        }

        private ServicePlan finish(Deployment primary, int desired, List<ServiceTask> keep)
        {
            if (!stops.isEmpty()) {
                event("has stopped " + stops.size() + " running tasks: " + String.join(" ", stops.stream().map(stop -> "(task " + stop.taskId() + ")").toList()) + ".");
            }
            List<Deployment> next = new ArrayList<>();
            Set<String> stopping = new LinkedHashSet<>(stops.stream().map(StopOrder::taskId).toList());
            for (Deployment deployment : deployments) {
                boolean isPrimary = deployment.id().equals(primary.id());
                if (!isPrimary && aliveByDeployment.get(deployment.id()).isEmpty()) {
                    continue; // an older deployment without tasks is INACTIVE, and ECS drops it from deployments[]
                }
                next.add(isPrimary ? deployment.withDesiredCount(desired, deployment.updatedAt()) : deployment);
            }
            Deployment current = next.getFirst();
            boolean onlyPrimary = next.size() == 1;
            long healthyKept = keep.stream().filter(task -> healthy(task) && !stopping.contains(task.taskId())).count();
            boolean drainingHosts = keep.size() < aliveByDeployment.get(current.id()).stream().filter(ServiceTask::wanted).count();
            // a task still draining before its stop keeps the service from being steady, as a stop not yet done
            boolean drainingTasks = aliveByDeployment.get(current.id()).stream().anyMatch(ServiceTask::stopping);
            boolean done = onlyPrimary && healthyKept == desired && launches.isEmpty() && stops.isEmpty() && !drainingHosts && !drainingTasks;
            if (done && current.rolloutState() == RolloutState.IN_PROGRESS) {
                current = current.withRollout(RolloutState.COMPLETED, "ECS deployment " + current.id() + " completed.", now);
                next.set(0, current);
                lastCompleted = current.taskDefinitionArn();
                event("(deployment " + current.id() + ") deployment completed.");
            }
            boolean steady = done && service.status() == Service.Status.ACTIVE;
            if (steady && !service.steady()) {
                event("has reached a steady state.");
                consecutiveFailures = 0;
                launchNotBefore = null;
            }
            Service.Status status = service.status();
            boolean noTasks = aliveByDeployment.values().stream().allMatch(List::isEmpty) && launches.isEmpty();
            if (status == Service.Status.DRAINING && noTasks) {
                status = Service.Status.INACTIVE;
            }
            List<ServiceEvent> events = new ArrayList<>(newEvents.reversed().stream().map(message -> new ServiceEvent(eventIds.get(), now, message)).toList());
            events.addAll(service.events());
            Service nextService = service.toBuilder()
                    .status(status)
                    .taskDefinitionArn(taskDefinitionArn)
                    .deployments(next)
                    .events(events)
                    .consecutiveFailures(consecutiveFailures)
                    .launchNotBefore(launchNotBefore)
                    .lastCompletedTaskDefinitionArn(lastCompleted)
                    .steady(steady)
                    .build();
            return new ServicePlan(nextService, launches, stops);
        }

        private boolean healthy(ServiceTask task)
        {
            return task.healthy(now, settings.settleTime());
        }

        private void stop(ServiceTask task, String reason)
        {
            stops.add(new StopOrder(task.taskId(), reason));
        }

        private void event(String message)
        {
            newEvents.add(prefix() + message);
        }

        private String prefix()
        {
            return "(service " + service.name() + ") ";
        }
    }
}
