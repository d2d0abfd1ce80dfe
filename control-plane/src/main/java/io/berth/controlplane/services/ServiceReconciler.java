package io.berth.controlplane.services;

import io.berth.controlplane.clusters.CapacityProviders;
import io.berth.controlplane.clusters.ClusterConfiguration;
import io.berth.controlplane.events.ClusterEvents;
import io.berth.controlplane.agents.Host;
import io.berth.controlplane.hosts.HostService;
import io.berth.controlplane.placement.PlacementAttempt;
import io.berth.controlplane.services.ServicePlan.Launch;
import io.berth.controlplane.services.ServicePlan.StopOrder;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.store.StoreTransaction;
import io.berth.controlplane.tasks.RunTaskCommand;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskOverrides;
import io.berth.controlplane.tasks.TaskHealth;
import io.berth.controlplane.tasks.TaskService;
import io.berth.controlplane.tasks.TaskProtectionService;
import io.berth.controlplane.tasks.TaskStatus;
import io.berth.controlplane.tasks.TaskTagging;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * The one place that applies the service controller's plans: per live service, read a snapshot, decide, stop and
 * start tasks through {@link TaskService}, and store the service with the tasks it started. Called from the control
 * plane's maintenance loop (so only the process that runs controllers runs it). A crash between starting tasks and
 * storing them loses nothing: the next pass adopts not-stopped tasks by their startedBy (the deployment id). For a
 * service with loadBalancers it also registers ready tasks as targets and tells the controller how each stands in its
 * target groups ({@link ServiceTargets}); a task the controller stops is deregistered first and stopped only after the
 * target groups' deregistration delay, marked stopping meanwhile so the controller neither counts it nor stops it again.
 * Those pending stops are stored with the service ({@link PendingStop}): a control plane restarted during the delay
 * stops the task when the delay ends, neither at once nor never.
 */
public final class ServiceReconciler
{
    private static final Logger log = LoggerFactory.getLogger(ServiceReconciler.class);
    private static final int MAX_TASKS_PER_RUN = 10;

    private final Store store;
    private final TaskService tasks;
    private final ServiceController controller;
    private final ServiceTargets targets;
    private final Clock clock;

    public ServiceReconciler(Store store, TaskService tasks, ServiceController controller, ServiceTargets targets, Clock clock)
    {
        this.store = requireNonNull(store, "store is null");
        this.tasks = requireNonNull(tasks, "tasks is null");
        this.controller = requireNonNull(controller, "controller is null");
        this.targets = requireNonNull(targets, "targets is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** One pass over every live service; a service that fails is logged and left for the next pass. */
    public void reconcileAll()
    {
        for (Service service : store.inTransaction(transaction -> transaction.services().allLive())) {
            try {
                reconcile(service.accountId(), service.clusterName(), service.name());
            }
            catch (RuntimeException e) {
                log.warn("Service {}: reconciliation failed: {}", service.arn(), e.toString());
            }
        }
    }

    void reconcile(String accountId, String clusterName, String name)
    {
        Instant now = clock.instant();
        ServiceSnapshot read = store.inTransaction(transaction -> transaction.services().find(accountId, clusterName, name)
                .filter(service -> service.status() != Service.Status.INACTIVE)
                .map(service -> snapshot(transaction, service, now))
                .orElse(null));
        if (read == null) {
            return;
        }
        ServiceSnapshot snapshot = observeTargets(read);
        ServicePlan plan = controller.decide(snapshot);
        Service service = plan.next();
        Map<String, ServiceTask> byId = snapshot.tasks().stream().collect(Collectors.toMap(ServiceTask::taskId, task -> task));
        List<PendingStop> pendingStops = stopDrained(snapshot.service(), byId, now);
        for (StopOrder stop : plan.stops()) {
            // deregistered first: the load balancer sends it no new request, and those in flight get the deregistration delay
            Duration delay = targets.deregister(service, byId.get(stop.taskId()));
            if (delay.isZero()) {
                tasks.stopForService(accountId, stop.taskId(), stop.reason());
            }
            else {
                pendingStops.add(new PendingStop(stop.taskId(), now.plus(delay), stop.reason()));
            }
        }
        Map<String, List<String>> started = new LinkedHashMap<>();
        List<String> events = new ArrayList<>();
        boolean launchFailed = false;
        for (Launch launch : plan.launches()) {
            try {
                started.computeIfAbsent(launch.deploymentId(), ignored -> new ArrayList<>()).addAll(launch(service, launch));
            }
            catch (RuntimeException e) {
                // a task definition made inactive, a quota reached: the service says so and backs off like after a failed task
                events.add("(service " + name + ") was unable to place a task because " + e.getMessage());
                launchFailed = true;
                log.warn("Service {}: cannot start tasks of {}: {}", service.arn(), launch.taskDefinitionArn(), e.getMessage());
            }
        }
        List<String> startedIds = started.values().stream().flatMap(List::stream).toList();
        if (!startedIds.isEmpty()) {
            events.add("(service " + name + ") has started " + startedIds.size() + " tasks: "
                    + startedIds.stream().map(id -> "(task " + id + ")").collect(Collectors.joining(" ")) + ".");
        }
        boolean backOff = launchFailed;
        store.useTransaction(transaction -> {
            Service current = transaction.services().find(accountId, clusterName, name).orElseThrow();
            // the API changed the service since the snapshot: keep its change, add only the tasks started; the next pass decides again
            Service base = current.version() == snapshot.service().version() ? service : current;
            // the pending stops are the controller's alone (the API never changes them): this pass's are the current ones
            Service after = withStarted(base, started, events, backOff, now).toBuilder().pendingStops(pendingStops).build();
            if (transaction.services().updateIfChanged(current, after)) {
                recordNewEvents(transaction, current, after, now);
            }
        });
        if (service.status() == Service.Status.INACTIVE) {
            log.info("Service {} is INACTIVE: its tasks have stopped", service.arn());
        }
    }

    /**
     * Marks the tasks waiting for their drain, and for a service with load balancers registers its ready tasks and
     * reads how each stands in its target groups; a task that stopped otherwise (a failure, a StopTask) leaves them.
     */
    private ServiceSnapshot observeTargets(ServiceSnapshot snapshot)
    {
        Service service = snapshot.service();
        Set<String> stopping = service.pendingStops().stream().map(PendingStop::taskId).collect(Collectors.toSet());
        List<ServiceTask> observed = new ArrayList<>();
        for (ServiceTask task : snapshot.tasks()) {
            ServiceTask marked = task.withStopping(stopping.contains(task.taskId()));
            if (service.loadBalancers().isEmpty() || marked.stopping()) {
                observed.add(marked);
            }
            else if (marked.wanted()) {
                observed.add(marked.withTargets(targets.sync(service, marked)));
            }
            else {
                targets.deregister(service, marked);
                observed.add(marked);
            }
        }
        return new ServiceSnapshot(service, observed, snapshot.now());
    }

    /** Stops the tasks whose drain is over, forgets those that stopped meanwhile (or are gone); returns the stops still pending. */
    private List<PendingStop> stopDrained(Service service, Map<String, ServiceTask> tasksById, Instant now)
    {
        List<PendingStop> remaining = new ArrayList<>();
        for (PendingStop pending : service.pendingStops()) {
            ServiceTask task = tasksById.get(pending.taskId());
            if (task == null || task.stopped() || task.desiredStatus() == TaskStatus.STOPPED) {
                continue;
            }
            if (now.isBefore(pending.after())) {
                remaining.add(pending);
            }
            else {
                tasks.stopForService(service.accountId(), task.taskId(), pending.reason());
            }
        }
        return remaining;
    }

    private List<String> launch(Service service, Launch launch)
    {
        List<String> ids = new ArrayList<>();
        if (service.capacityProviderStrategy().isEmpty()) {
            launch(service, launch, launch.count(), Service.LAUNCH_TYPE, List.of(), ids);
            return ids;
        }
        // spread as ECS spreads a service's tasks: over what the deployment already runs on each provider
        Map<String, Integer> running = store.inTransaction(transaction -> transaction.tasks()
                .notStoppedStartedBy(service.accountId(), service.clusterName(), List.of(launch.deploymentId())).stream()
                .filter(task -> service.taskGroup().equals(task.group()) && task.state().desiredStatus() == TaskStatus.RUNNING)
                .collect(Collectors.toMap(task -> task.capacityProviderName() == null ? CapacityProviders.FARGATE : task.capacityProviderName(),
                        task -> 1, Integer::sum)));
        Map<String, Integer> perProvider = new LinkedHashMap<>();
        CapacityProviders.spread(service.capacityProviderStrategy(), launch.count(), running).forEach(provider -> perProvider.merge(provider, 1, Integer::sum));
        perProvider.forEach((provider, count) -> launch(service, launch, count, null, List.of(new ClusterConfiguration.StrategyItem(provider, 1, 0)), ids));
        return ids;
    }

    /** Starts count tasks of the launch, on the launch type or the (one provider) strategy given, at most ten per RunTask. */
    private void launch(Service service, Launch launch, int count, String launchType, List<ClusterConfiguration.StrategyItem> strategy, List<String> ids)
    {
        for (int remaining = count; remaining > 0; remaining -= MAX_TASKS_PER_RUN) {
            RunTaskCommand command = new RunTaskCommand(service.clusterName(), launch.taskDefinitionArn(), Math.min(remaining, MAX_TASKS_PER_RUN),
                    TaskOverrides.NONE, launch.deploymentId(), service.taskGroup(), launchType, null, service.networkConfiguration(),
                    service.placement(), tagging(service), strategy, null);
            tasks.run(service.accountId(), command).forEach(task -> ids.add(task.taskId()));
        }
    }

    /** propagateTags SERVICE gives the tasks the service's tags; TASK_DEFINITION the definition's, as RunTask does. */
    private static TaskTagging tagging(Service service)
    {
        if ("SERVICE".equals(service.propagateTags())) {
            return new TaskTagging(service.tags(), null, service.enableEcsManagedTags());
        }
        return new TaskTagging(List.of(), service.propagateTags(), service.enableEcsManagedTags());
    }

    private Service withStarted(Service service, Map<String, List<String>> started, List<String> messages, boolean backOff, Instant now)
    {
        List<Deployment> deployments = service.deployments().stream()
                .map(deployment -> {
                    List<String> ids = started.getOrDefault(deployment.id(), List.of());
                    if (ids.isEmpty()) {
                        return deployment;
                    }
                    List<String> tracked = new ArrayList<>(deployment.taskIds());
                    tracked.addAll(ids);
                    return deployment.withTasks(tracked, deployment.runningCount(), deployment.pendingCount() + ids.size(), deployment.failedTasks());
                })
                .toList();
        List<ServiceEvent> events = new ArrayList<>(messages.reversed().stream().map(message -> new ServiceEvent(UUID.randomUUID().toString(), now, message)).toList());
        events.addAll(service.events());
        Service.Builder next = service.toBuilder().deployments(deployments).events(events);
        if (backOff) {
            int failures = service.consecutiveFailures() + 1;
            next.consecutiveFailures(failures).launchNotBefore(now.plus(controllerBackOff(failures)));
        }
        return next.build();
    }

    /** The service's events this pass added, oldest first, into the control plane's events too. */
    private static void recordNewEvents(StoreTransaction transaction, Service before, Service after, Instant now)
    {
        Set<String> known = before.events().stream().map(ServiceEvent::id).collect(Collectors.toSet());
        after.events().reversed().stream()
                .filter(event -> !known.contains(event.id()))
                .forEach(event -> ClusterEvents.service(transaction, after.accountId(), after.arn(), event.message(), now));
    }

    private Duration controllerBackOff(int failures)
    {
        return controller.backOff(failures);
    }

    private static ServiceSnapshot snapshot(StoreTransaction transaction, Service service, Instant now)
    {
        Map<String, Task> found = new HashMap<>();
        List<String> deploymentIds = service.deployments().stream().map(Deployment::id).toList();
        transaction.tasks().notStoppedStartedBy(service.accountId(), service.clusterName(), deploymentIds).forEach(task -> found.put(task.taskId(), task));
        service.deployments().stream()
                .flatMap(deployment -> deployment.taskIds().stream())
                .filter(id -> !found.containsKey(id))
                .forEach(id -> transaction.tasks().find(service.accountId(), id).ifPresent(task -> found.put(id, task)));
        Set<String> drainingHosts = transaction.hosts().draining().stream().map(Host::hostId).collect(Collectors.toSet());
        List<ServiceTask> serviceTasks = found.values().stream()
                // a task of the same account that some user started with a deployment id as startedBy is not the service's
                .filter(task -> task.group() != null && task.group().equals(service.taskGroup()))
                .map(task -> serviceTask(transaction, task, drainingHosts).withScaleInProtection(TaskProtectionService.isProtected(transaction, task, now)))
                .toList();
        return new ServiceSnapshot(service, serviceTasks, now);
    }

    private static ServiceTask serviceTask(StoreTransaction transaction, Task task, Set<String> drainingHosts)
    {
        String hostId = task.state().hostId();
        String placementMessage = null;
        if (hostId == null && task.state().lastStatus() == TaskStatus.PROVISIONING) {
            placementMessage = transaction.placementAttempts().find(task.taskId()).map(PlacementAttempt::message).orElse(null);
        }
        // null without an essential container with a health check: such a task is healthy once RUNNING (and settled)
        boolean checked = task.state().containers().stream().anyMatch(container -> container.spec().essential() && container.spec().healthCheck() != null);
        String healthStatus = checked ? TaskHealth.of(task.state().containers()).name() : null;
        String address = task.state().network() == null ? null : task.state().network().privateIPv4Address();
        return new ServiceTask(task.taskId(), task.startedBy(), task.state().lastStatus(), task.state().desiredStatus(), task.state().startedAt(),
                task.createdAt(), task.state().stopCode(), task.state().stoppedReason(), healthStatus, hostId != null && drainingHosts.contains(hostId),
                placementMessage, task.state().lastStatus() == TaskStatus.STOPPED && HostService.stoppedWithHost(hostId, task.state().stoppedReason()),
                address, false, TargetStatus.NONE, false);
    }
}
