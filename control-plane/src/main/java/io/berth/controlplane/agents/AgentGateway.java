package io.berth.controlplane.agents;

import io.berth.controlplane.events.ClusterEvents;
import io.berth.common.agentprotocol.ControlPlaneLink;
import io.berth.common.agentprotocol.HostChange;
import io.berth.common.agentprotocol.IngressPlan;
import io.berth.common.agentprotocol.LogBatch;
import io.berth.common.agentprotocol.LogBatchRefusedException;
import io.berth.common.agentprotocol.LogShippingLink;
import io.berth.common.agentprotocol.NetworkPlan;
import io.berth.common.agentprotocol.RegistryLogin;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.SyncResponse;
import io.berth.common.agentprotocol.TaskAssignment;
import io.berth.common.agentprotocol.TaskRoleCredentials;
import io.berth.common.agentprotocol.TaskReport;
import io.berth.common.agentprotocol.TaskSecrets;
import io.berth.controlplane.loadbalancing.IngressPlans;
import io.berth.controlplane.metering.UsageRecorder;
import io.berth.controlplane.network.TaskNetwork;
import io.berth.controlplane.placement.TaskPlacer;
import io.berth.controlplane.secrets.SecretsUnavailableException;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.store.StoreTransaction;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskContainer;
import io.berth.controlplane.tasks.TaskStatus;
import io.berth.controlplane.tasks.TaskTransitions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * Where agents meet the control plane. Each sync records the host's heartbeat, gives the host its slice of the
 * task CIDR the first time, applies its task reports, places waiting tasks when it brought capacity, and answers with
 * every task the host should hold and the task network it is part of. Reports of tasks the control plane does not know (or has
 * already recorded as STOPPED) are left out of the answer, which tells the agent to clean them up and forget them.
 * When a sync changes the peers of other hosts' plans (a new slice, a host back from LOST, a new underlay address), every
 * other host is woken; when a task address appeared or went away, the hosts that hold tasks of that task's account are
 * (the only ones whose rules it changes), so their peers and endpoints follow within seconds. Every other host sees the
 * endpoint at its next sync. A host that reports ingress (its load balancer's view of the targets) is answered with every
 * load balancer to serve.
 * <p>
 * A delta request (see {@link io.berth.common.agentprotocol.HeldState}) reports only the tasks whose report changed and
 * names every task the host holds; the others' reports are as last recorded. This replica asks a host for every report
 * (fullReportsWanted) when it has not had them from that host since it started (it may be new, restarted, or on a store
 * that lost state) and when the host is back from being lost or unknown to the store.
 */
public final class AgentGateway
        implements ControlPlaneLink, LogShippingLink
{
    private static final Logger log = LoggerFactory.getLogger(AgentGateway.class);

    private final Store store;
    private final TaskPlacer placer;
    private final HostSignals hostSignals;
    private final TaskReportSignals taskReports = new TaskReportSignals();
    private final TaskNetwork taskNetwork;
    private final Clock clock;
    private final Function<String, RegistryLogin> registryLogins;
    private final TaskSecretsSource secrets;
    private final LogShippingLink logShipping;
    private final Function<Task, TaskRoleCredentials> taskCredentials;
    private final AccountHosts accountHosts = new AccountHosts();
    /** Hosts whose every report this replica has recorded since it started: only their delta requests are enough. */
    private final Set<String> hostsWithFullReports = ConcurrentHashMap.newKeySet();
    /** The assignment last made for each started task, with the task it was made of (see {@link #startedAssignment}). */
    private final ConcurrentMap<String, MadeAssignment> madeAssignments = new ConcurrentHashMap<>();

    /** Started tasks whose assignments are kept at most; past it the memo starts afresh. */
    private static final int MAX_MADE_ASSIGNMENTS = 100_000;

    private record MadeAssignment(Task task, TaskAssignment assignment) {}

    public AgentGateway(Store store, TaskPlacer placer, HostSignals hostSignals, TaskNetwork taskNetwork, Clock clock)
    {
        this(store, placer, hostSignals, taskNetwork, clock, accountId -> null);
    }

    /** registryLogins mints, per account, the login each of its tasks pulls with (null: no registry of Berth's). */
    public AgentGateway(Store store, TaskPlacer placer, HostSignals hostSignals, TaskNetwork taskNetwork, Clock clock, Function<String, RegistryLogin> registryLogins)
    {
        this(store, placer, hostSignals, taskNetwork, clock, registryLogins, TaskSecretsSource.NONE, batch -> {
            throw new LogBatchRefusedException("this control plane takes no container lines for CloudWatch Logs");
        }, task -> null);
    }

    /**
     * secrets resolves each task's container secrets and registry credentials while the task is still to start;
     * logShipping takes the lines of tasks' awslogs containers that hosts ship (CloudWatch Logs); taskCredentials
     * mints a task's role credentials (null for a task without a role, or stopped).
     */
    public AgentGateway(Store store, TaskPlacer placer, HostSignals hostSignals, TaskNetwork taskNetwork, Clock clock, Function<String, RegistryLogin> registryLogins,
            TaskSecretsSource secrets, LogShippingLink logShipping, Function<Task, TaskRoleCredentials> taskCredentials)
    {
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.logShipping = requireNonNull(logShipping, "logShipping is null");
        this.taskCredentials = requireNonNull(taskCredentials, "taskCredentials is null");
        this.registryLogins = requireNonNull(registryLogins, "registryLogins is null");
        this.store = requireNonNull(store, "store is null");
        this.placer = requireNonNull(placer, "placer is null");
        this.hostSignals = requireNonNull(hostSignals, "hostSignals is null");
        this.taskNetwork = requireNonNull(taskNetwork, "taskNetwork is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Wakes those who wait on a task when a report of it is recorded here. */
    public TaskReportSignals taskReports()
    {
        return taskReports;
    }

    /** The lines a host ships for its tasks' awslogs containers; the caller has checked that batch.hostId() is who calls. */
    @Override
    public void shipLogs(LogBatch batch)
    {
        logShipping.shipLogs(batch);
    }

    @Override
    public SyncResponse sync(SyncRequest request)
    {
        String hostId = request.host().hostId();
        // cleared before reading: a RunTask/StopTask committed after this point raises it again
        hostSignals.clear(hostId);
        Set<String> otherHostsTouched = new HashSet<>();
        // the hosts whose network alone this sync changed: they fetch their plan, not sync (see HostSignals)
        Set<String> otherHostsNetworkChanged = new HashSet<>();
        boolean[] backFromLost = new boolean[1];
        SyncResponse response = store.inTransaction(transaction -> {
            otherHostsTouched.clear();
            otherHostsNetworkChanged.clear();
            Instant now = clock.instant();
            Optional<Host> known = transaction.hosts().find(hostId);
            boolean back = known.isPresent() && known.get().lostAt() != null;
            // a host the store does not know (a store that lost state) cannot have had its reports recorded either
            backFromLost[0] = back || known.isEmpty();
            if (back) {
                log.info("Host {} is back after being lost at {}; it is told to stop the tasks recorded STOPPED", hostId, known.get().lostAt());
            }
            // a new host, or one whose underlay address changed, is a new or moved peer for the others
            boolean peersChanged = back || known.isEmpty() || !Objects.equals(known.get().info().address(), request.host().address());
            transaction.hosts().recordHeartbeat(request.host(), now);
            peersChanged |= taskNetwork.ensureSlice(transaction, hostId);
            // the host's tasks are read once and kept current here: a sync comes every heartbeat from every host, and
            // reading each task again for its report, the unstarted ones and the assignments was most of its cost
            Map<String, Task> held = new LinkedHashMap<>();
            transaction.tasks().onHost(hostId).forEach(task -> held.put(task.taskId(), task));
            Set<String> heldBefore = Set.copyOf(held.keySet());
            // in a delta request a task held without a report is one whose report has not changed since it was recorded
            Set<String> reported = new HashSet<>(request.heldTaskIds());
            // the accounts of the tasks whose endpoint appeared, changed or went away
            Set<String> endpointAccounts = new HashSet<>();
            for (TaskReport report : request.tasks()) {
                reported.add(report.taskId());
                applyReport(transaction, hostId, held, report, now).ifPresent(endpointAccounts::add);
            }
            stopTasksTheHostNeverTook(transaction, hostId, held, reported, now);
            // a sync places waiting tasks only when it brought capacity (a new host, one back from being lost, a task of
            // this host stopped), so that it is used at once; RunTask's own placement rounds and the leader's pass place
            // the rest, and a sync that also placed would contend with them for the placement lock at every heartbeat
            boolean freedCapacity = !held.keySet().containsAll(heldBefore);
            Set<String> placedOn = freedCapacity || backFromLost[0]
                    ? placer.placeWaitingUnlessPlacing(transaction, now)
                    : Set.of();
            placedOn.stream()
                    .filter(touched -> !touched.equals(hostId))
                    .forEach(otherHostsTouched::add);
            if (peersChanged) {
                transaction.hosts().all().stream()
                        .map(Host::hostId)
                        .filter(other -> !other.equals(hostId))
                        .forEach(otherHostsNetworkChanged::add);
            }
            else if (!endpointAccounts.isEmpty()) {
                // a host lets traffic from other hosts into a task only from tasks of the task's account: a host that holds
                // none of that account's tasks has no rule to change now (it learns of the endpoint at its next sync)
                accountHosts.holdingTasksOf(transaction, endpointAccounts).stream()
                        .filter(other -> !other.equals(hostId))
                        .forEach(otherHostsNetworkChanged::add);
            }
            List<TaskAssignment> assignments = new ArrayList<>();
            for (Task task : placedOn.contains(hostId) ? transaction.tasks().onHost(hostId) : held.values()) {
                assignment(transaction, task, now).ifPresent(assignments::add);
            }
            // an ingress host reports what its load balancer sees, and gets every load balancer to serve
            IngressPlan ingress = null;
            if (request.ingress() != null) {
                IngressPlans.recordHealth(transaction, hostId, request.ingress());
                ingress = IngressPlans.build(transaction, now);
            }
            return new SyncResponse(assignments, taskNetwork.planFor(transaction, hostId).orElse(null), ingress);
        });
        otherHostsTouched.forEach(hostSignals::signal);
        otherHostsNetworkChanged.forEach(hostSignals::signalNetwork);
        if (!request.tasks().isEmpty()) {
            taskReports.reported(request.tasks().stream().map(TaskReport::taskId).toList());
        }
        return response.withFullReportsWanted(fullReportsWanted(hostId, request, backFromLost[0]));
    }

    /**
     * Whether to ask the host for every report next time: a delta request from a host whose every report this replica has
     * not recorded since it started, or from a host back from being lost or unknown to the store. Called once the sync is
     * committed.
     */
    private boolean fullReportsWanted(String hostId, SyncRequest request, boolean backFromLost)
    {
        if (request.reportsEveryTask()) {
            hostsWithFullReports.add(hostId);
            return false;
        }
        if (backFromLost || !hostsWithFullReports.contains(hostId)) {
            log.info("Host {} sent only the reports that changed; asking it for every report ({})", hostId,
                    backFromLost ? "it is back from being lost, or new to the store" : "this replica has not had them since it started");
            return true;
        }
        return false;
    }

    @Override
    public void awaitChange(String hostId, Duration timeout)
            throws InterruptedException
    {
        hostSignals.await(hostId, timeout);
    }

    /** As {@link #awaitChange}, telling whether a change arrived (true) or the timeout passed (false). */
    public boolean waitForChange(String hostId, Duration timeout)
            throws InterruptedException
    {
        return hostSignals.await(hostId, timeout);
    }

    /** As {@link #awaitChange}, telling what changed: see {@link HostSignals#awaitChange}. */
    @Override
    public HostChange awaitChanges(String hostId, Duration timeout)
            throws InterruptedException
    {
        return hostSignals.awaitChange(hostId, timeout);
    }

    /**
     * The host's network plan as of now, read without a sync's writes (for an agent told that only its network changed);
     * empty while the host has no slice or is unknown. It is the plan the host's next sync would get.
     */
    @Override
    public Optional<NetworkPlan> network(String hostId)
    {
        return store.inTransaction(transaction -> taskNetwork.planFor(transaction, hostId));
    }

    /**
     * Records the report; the task's account when its endpoint in the cluster appeared, changed or went away.
     *
     * @param held the host's tasks by id, updated here with the task as the report leaves it
     */
    private Optional<String> applyReport(StoreTransaction transaction, String hostId, Map<String, Task> held, TaskReport report, Instant now)
    {
        // a task recorded STOPPED is not held, and its host still reports it (its last usage) until it forgets it
        Task task = held.containsKey(report.taskId()) ? held.get(report.taskId()) : transaction.tasks().find(report.taskId())
                .filter(found -> hostId.equals(found.state().hostId()))
                .orElse(null);
        if (task == null) {
            log.info("Host {} reported unknown task {}; telling it to drop the task", hostId, report.taskId());
            return Optional.empty();
        }
        Task after = task.withState(TaskTransitions.reported(task.state(), report, now));
        Task stored = transaction.tasks().stored(task, after);
        hold(held, stored);
        if (stored != task && after.state().lastStatus() != task.state().lastStatus()) {
            if (after.state().lastStatus() == TaskStatus.STOPPED) {
                ClusterEvents.taskStopped(transaction, after, now);
            }
            log.info("Task {} on host {}: {} -> {}{}", task.taskId(), hostId, task.state().lastStatus(), after.state().lastStatus(),
                    after.state().lastStatus() == TaskStatus.STOPPED ? " (" + after.state().stopCode() + ": " + after.state().stoppedReason() + ")" : "");
        }
        // metering: the billed window comes from the task's timestamps, usage from the report (never lowered)
        UsageRecorder.record(transaction, after, report.usage());
        return task.endpoint().equals(after.endpoint()) ? Optional.empty() : Optional.of(task.accountId());
    }

    /** Keeps the host's tasks as onHost would read them now: a task that is STOPPED leaves them. */
    private static void hold(Map<String, Task> held, Task task)
    {
        if (task.state().lastStatus() == TaskStatus.STOPPED) {
            held.remove(task.taskId());
        }
        else {
            held.put(task.taskId(), task);
        }
    }

    /**
     * A task placed here and told to stop before the agent ever reported it never started: nothing will report
     * it, so it stops now. (The agent reports every task it holds, so an unreported PROVISIONING task is not
     * being worked on.)
     */
    private void stopTasksTheHostNeverTook(StoreTransaction transaction, String hostId, Map<String, Task> held, Set<String> reported, Instant now)
    {
        for (Task task : List.copyOf(held.values())) {
            if (!reported.contains(task.taskId())
                    && task.state().lastStatus() == TaskStatus.PROVISIONING
                    && task.state().desiredStatus() == TaskStatus.STOPPED) {
                Task stopped = task.withState(TaskTransitions.stoppedUnstarted(task.state(), now));
                hold(held, transaction.tasks().stored(task, stopped));
                ClusterEvents.taskStopped(transaction, stopped, now);
                log.info("Task {} stopped before host {} started it", task.taskId(), hostId);
            }
        }
    }

    /**
     * The task's assignment; for a task still to start with secrets, they are resolved now, and a task whose secrets
     * cannot be had is stopped here (TaskFailedToStart) and left out, which tells the host to drop it.
     */
    private Optional<TaskAssignment> assignment(StoreTransaction transaction, Task task, Instant now)
    {
        if (!pullsYet(task)) {
            return Optional.of(startedAssignment(task));
        }
        try {
            return Optional.of(assignment(task, secrets.secretsFor(transaction, task)));
        }
        catch (SecretsUnavailableException e) {
            Task stopped = task.withState(TaskTransitions.failedToStart(task.state(), e.getMessage(), now));
            transaction.tasks().updateIfChanged(task, stopped);
            ClusterEvents.taskStopped(transaction, stopped, now);
            log.info("Task {} on host {} cannot start: {}", task.taskId(), task.state().hostId(), e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The assignment of a task that pulls no more (no login, no secrets): the one made at an earlier sync while the task
     * is the same (the store's cache gives the same task for the same version) and so are its credentials. Every sync of
     * every host answers each of its tasks, nearly all unchanged since the last, and an assignment made afresh had to be
     * compared field by field with the one last answered (see SyncAnswerParts) where the same one compares at once.
     */
    private TaskAssignment startedAssignment(Task task)
    {
        TaskRoleCredentials credentials = taskCredentials.apply(task);
        MadeAssignment made = madeAssignments.get(task.taskId());
        if (made != null && made.task() == task && Objects.equals(made.assignment().credentials(), credentials)) {
            return made.assignment();
        }
        TaskAssignment assignment = assignment(task, null, credentials);
        if (madeAssignments.size() >= MAX_MADE_ASSIGNMENTS) {
            // tasks long stopped would otherwise stay; the next syncs make their hosts' assignments again
            madeAssignments.clear();
        }
        madeAssignments.put(task.taskId(), new MadeAssignment(task, assignment));
        return assignment;
    }

    private TaskAssignment assignment(Task task, TaskSecrets taskSecrets)
    {
        return assignment(task, taskSecrets, taskCredentials.apply(task));
    }

    private TaskAssignment assignment(Task task, TaskSecrets taskSecrets, TaskRoleCredentials credentials)
    {
        TaskAssignment.DesiredStatus desired = task.state().desiredStatus() == TaskStatus.STOPPED
                ? TaskAssignment.DesiredStatus.STOPPED
                : TaskAssignment.DesiredStatus.RUNNING;
        return new TaskAssignment(task.taskId(), task.arn(), desired, task.cpu(), task.memory(),
                task.state().containers().stream().map(TaskContainer::spec).toList(),
                task.clusterArn(), task.taskDefinitionArn(), task.availabilityZone(),
                // for the task metadata endpoint: what a task may read of itself
                task.state().containers().stream().collect(java.util.stream.Collectors.toMap(container -> container.spec().name(), TaskContainer::containerArn)),
                task.accountId(),
                task.ephemeralStorage().sizeInGiB(),
                task.isolation(),
                // only a task still to start pulls: the others need no login (and get none to hold)
                pullsYet(task) ? registryLogins.apply(task.accountId()) : null,
                taskSecrets,
                // fresh keys with every sync: the agent serves the newest, well before the last ones expire
                credentials);
    }

    private static boolean pullsYet(Task task)
    {
        TaskStatus status = task.state().lastStatus();
        return task.accountId() != null && task.state().desiredStatus() != TaskStatus.STOPPED
                && (status == TaskStatus.PROVISIONING || status == TaskStatus.PENDING);
    }
}
