package io.berth.controlplane.tasks;

import io.berth.controlplane.events.ClusterEvents;
import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.common.agentprotocol.IsolationTier;
import io.berth.controlplane.isolation.TaskIsolation;
import io.berth.controlplane.agents.HostSignals;
import io.berth.controlplane.resources.InvalidRequestException;
import io.berth.controlplane.clusters.CapacityProviders;
import io.berth.controlplane.clusters.Cluster;
import io.berth.controlplane.clusters.ClusterConfiguration;
import io.berth.controlplane.clusters.ClusterService;
import io.berth.controlplane.idempotency.ClientTokens;
import io.berth.controlplane.placement.PlacementRounds;
import io.berth.controlplane.placement.TaskPlacer;
import io.berth.controlplane.quotas.AccountLimitsService;
import io.berth.controlplane.resources.Arns;
import io.berth.controlplane.resources.Described;
import io.berth.controlplane.resources.Page;
import io.berth.controlplane.resources.PageRequest;
import io.berth.controlplane.resources.Tag;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.store.StoreTransaction;
import io.berth.controlplane.taskdefinitions.AwsLogsOptions;
import io.berth.controlplane.taskdefinitions.ContainerDefinition;
import io.berth.controlplane.taskdefinitions.ContainerLogRules;
import io.berth.controlplane.taskdefinitions.EphemeralStorage;
import io.berth.controlplane.taskdefinitions.TaskDefinition;
import io.berth.controlplane.taskdefinitions.TaskDefinitionService;
import io.berth.controlplane.taskdefinitions.TaskSize;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/** RunTask, StopTask, DescribeTasks, ListTasks, and the purge of long-stopped tasks. */
public final class TaskService
{
    private static final Logger log = LoggerFactory.getLogger(TaskService.class);

    public static final String PLATFORM_VERSION = "1.4.0";
    public static final String LAUNCH_TYPE = "FARGATE";
    private static final int MAX_REASON_LENGTH = 255;

    private final Store store;
    private final ClusterService clusters;
    private final TaskDefinitionService taskDefinitions;
    private final AccountLimitsService limits;
    private final HostSignals hostSignals;
    private final String defaultRegion;
    private final Duration stoppedTaskRetention;
    private final Clock clock;
    private final TaskPreparation preparation;
    private final SecureRandom random = new SecureRandom();
    private final ClientTokens clientTokens;
    /** New tasks are placed after their commit, in rounds shared by concurrent RunTasks. */
    private final PlacementRounds placementRounds;

    public TaskService(
            Store store,
            ClusterService clusters,
            TaskDefinitionService taskDefinitions,
            TaskPlacer placer,
            AccountLimitsService limits,
            HostSignals hostSignals,
            String region,
            Duration stoppedTaskRetention,
            Clock clock)
    {
        this(store, clusters, taskDefinitions, placer, limits, hostSignals, region, stoppedTaskRetention, clock, TaskPreparation.NONE);
    }

    /** preparation readies what each new task needs beyond a host (its log streams), or tells why it cannot start. */
    public TaskService(
            Store store,
            ClusterService clusters,
            TaskDefinitionService taskDefinitions,
            TaskPlacer placer,
            AccountLimitsService limits,
            HostSignals hostSignals,
            String region,
            Duration stoppedTaskRetention,
            Clock clock,
            TaskPreparation preparation)
    {
        this.preparation = requireNonNull(preparation, "preparation is null");
        this.store = requireNonNull(store, "store is null");
        this.clusters = requireNonNull(clusters, "clusters is null");
        this.taskDefinitions = requireNonNull(taskDefinitions, "taskDefinitions is null");
        this.limits = requireNonNull(limits, "limits is null");
        this.hostSignals = requireNonNull(hostSignals, "hostSignals is null");
        this.defaultRegion = requireNonNull(region, "region is null");
        this.stoppedTaskRetention = requireNonNull(stoppedTaskRetention, "stoppedTaskRetention is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.clientTokens = new ClientTokens(clock);
        this.placementRounds = new PlacementRounds(store, placer, hostSignals, clock);
    }

    /** For callers without a request (controllers): the configured region goes into the ARNs. */
    public List<Task> run(String accountId, RunTaskCommand command)
    {
        return run(accountId, defaultRegion, command);
    }

    /** region: the caller's, in the ARNs of the new tasks and containers (and of the default cluster if this creates it). */
    public List<Task> run(String accountId, String region, RunTaskCommand command)
    {
        if (command.count() < 1 || command.count() > 10) {
            throw InvalidRequestException.invalidValue("count must be between 1 and 10, got " + command.count() + ".");
        }
        if (command.launchType() != null && !command.launchType().equals(LAUNCH_TYPE)) {
            throw InvalidRequestException.invalidValue("Berth runs tasks on FARGATE only; launchType " + command.launchType()
                    + " is not supported. Omit launchType or set it to FARGATE.");
        }
        if (command.platformVersion() != null && !command.platformVersion().equals("LATEST") && !command.platformVersion().equals(PLATFORM_VERSION)) {
            throw InvalidRequestException.invalidValue("Platform version " + command.platformVersion() + " is not supported: use LATEST or " + PLATFORM_VERSION + ".");
        }
        if (command.startedBy() != null && command.startedBy().length() > 128) {
            throw InvalidRequestException.invalidValue("startedBy can have at most 128 characters.");
        }
        try {
            command.placement().validate();
        }
        catch (IllegalArgumentException e) {
            throw InvalidRequestException.invalidValue(e.getMessage());
        }
        TaskTags.check(command.tagging());
        List<String> taskIds = store.inTransaction(transaction -> {
            Cluster cluster = clusters.resolve(transaction, accountId, region, command.cluster());
            // as in ECS, a token is the cluster's: the same token in another cluster is another request
            String tokenScope = "RunTask:" + cluster.name();
            Optional<List<String>> replayed = clientTokens.replay(transaction, accountId, tokenScope, command.clientToken());
            if (replayed.isPresent()) {
                log.info("RunTask with clientToken {} repeated for account {}: answering its {} tasks", command.clientToken().token(), accountId, replayed.get().size());
                return replayed.get().stream().map(TaskService::taskId).toList();
            }
            List<String> providers = capacityProviders(cluster, command);
            TaskDefinition definition = taskDefinitions.find(transaction, accountId, command.taskDefinition())
                    .orElseThrow(() -> InvalidRequestException.refused("TaskDefinition not found."));
            if (definition.status() != TaskDefinition.Status.ACTIVE) {
                throw InvalidRequestException.refused("TaskDefinition is inactive: " + definition.arn() + ". Register a new revision or run an ACTIVE one.");
            }
            definition.checkFargateCompatible();
            NetworkConfigurationRules.check(definition.networkMode(), command.networkConfiguration());
            TaskSize size = TaskComposition.size(definition, command.overrides());
            List<ContainerSpec> specs = TaskComposition.containers(definition, command.overrides(), size);
            checkContainersFit(specs, size);
            EphemeralStorage storage = TaskComposition.ephemeralStorage(definition, command.overrides());
            // counted in the transaction that inserts, so that nothing past a quota is ever created
            limits.check(transaction, accountId, command.count(), size.cpu());
            // read in the transaction that inserts, so a task never starts below a tier the operator just raised
            IsolationTier isolation = TaskIsolation.effective(
                    transaction.accounts().isolation(accountId).orElse(IsolationTier.CONTAINER), definition.tags());
            List<Tag> tags = TaskTags.of(command.tagging(), definition.tags(), cluster.name());
            Instant now = clock.instant();
            List<String> ids = new ArrayList<>();
            List<String> arns = new ArrayList<>();
            for (int i = 0; i < command.count(); i++) {
                Task task = newTask(accountId, region, cluster, definition, size, storage, specs, command, isolation, tags, now, providers.get(i));
                transaction.tasks().insert(task);
                Optional<String> failure = preparation.prepare(transaction, task);
                if (failure.isPresent()) {
                    Task stopped = task.withState(TaskTransitions.unplaceable(task.state(), failure.get(), now));
                    transaction.tasks().updateIfChanged(task, stopped);
                    ClusterEvents.taskStopped(transaction, stopped, now);
                    log.info("Task {} cannot start: {}", task.taskId(), failure.get());
                }
                ids.add(task.taskId());
                arns.add(task.arn());
            }
            clientTokens.record(transaction, accountId, tokenScope, command.clientToken(), arns);
            return ids;
        });
        placementRounds.placeCommitted();
        List<Task> created = store.inTransaction(transaction -> ids(transaction, accountId, taskIds));
        created.forEach(task -> log.info("Task {} created from {} for account {} at isolation {} on host {}", task.taskId(), task.taskDefinitionArn(), accountId,
                task.isolation().wireName(), task.state().hostId()));
        return created;
    }

    /** For callers without a request (controllers). */
    public Task stop(String accountId, String clusterReference, String taskReference, String reason)
    {
        return stop(accountId, defaultRegion, clusterReference, taskReference, reason);
    }

    public Task stop(String accountId, String region, String clusterReference, String taskReference, String reason)
    {
        if (taskReference == null || taskReference.isEmpty()) {
            throw InvalidRequestException.invalidValue("task is required: give the task id or ARN.");
        }
        if (reason != null && reason.length() > MAX_REASON_LENGTH) {
            throw InvalidRequestException.invalidValue("reason can have at most " + MAX_REASON_LENGTH + " characters.");
        }
        Task stopped = store.inTransaction(transaction -> {
            Cluster cluster = clusters.resolve(transaction, accountId, region, clusterReference);
            Task task = findInCluster(transaction, accountId, cluster, taskReference)
                    .orElseThrow(() -> InvalidRequestException.invalidValue("The referenced task was not found."));
            Instant now = clock.instant();
            Task after = task.withState(TaskTransitions.stopRequested(task.state(), reason, now));
            if (transaction.tasks().updateIfChanged(task, after)) {
                recordStop(transaction, task, after, now);
            }
            return transaction.tasks().find(accountId, task.taskId()).orElseThrow();
        });
        if (stopped.state().hostId() != null) {
            hostSignals.signal(stopped.state().hostId());
        }
        log.info("Stop requested for task {} ({}): {}", stopped.taskId(), stopped.state().lastStatus(), stopped.state().stoppedReason());
        return stopped;
    }

    /** A stop request of a task still to be placed stops it at once; of a placed one, tells its host. */
    private static void recordStop(StoreTransaction transaction, Task before, Task after, Instant now)
    {
        if (after.state().lastStatus() == TaskStatus.STOPPED && before.state().lastStatus() != TaskStatus.STOPPED) {
            ClusterEvents.taskStopped(transaction, after, now);
        }
        else if (before.state().desiredStatus() != TaskStatus.STOPPED) {
            ClusterEvents.taskStopRequested(transaction, after, now);
        }
    }

    /**
     * Stops a task of a service for its scheduler (stopCode ServiceSchedulerInitiated); a task already stopping or
     * stopped is left as is. Empty when the task is gone.
     */
    public Optional<Task> stopForService(String accountId, String taskId, String reason)
    {
        Optional<Task> stopped = store.inTransaction(transaction -> transaction.tasks().find(accountId, taskId).map(task -> {
            Instant now = clock.instant();
            Task after = task.withState(TaskTransitions.stopRequested(task.state(), reason, StopCodes.SERVICE_SCHEDULER_INITIATED, now));
            if (transaction.tasks().updateIfChanged(task, after)) {
                recordStop(transaction, task, after, now);
            }
            return transaction.tasks().find(accountId, taskId).orElseThrow();
        }));
        stopped.map(task -> task.state().hostId()).ifPresent(hostSignals::signal);
        stopped.ifPresent(task -> log.info("Service scheduler stopped task {} ({}): {}", task.taskId(), task.state().lastStatus(), reason));
        return stopped;
    }

    /** region: the caller's, for the ARNs of tasks not found. */
    public Described<Task> describe(String accountId, String region, String clusterReference, List<String> taskReferences)
    {
        if (taskReferences == null || taskReferences.isEmpty()) {
            throw InvalidRequestException.invalidValue("Tasks cannot be empty.");
        }
        if (taskReferences.size() > 100) {
            throw InvalidRequestException.invalidValue("At most 100 tasks can be described at once.");
        }
        return store.inTransaction(transaction -> {
            Cluster cluster = clusters.resolve(transaction, accountId, region, clusterReference);
            List<Task> found = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String reference : taskReferences) {
                Optional<Task> task = findInCluster(transaction, accountId, cluster, reference);
                if (task.isPresent()) {
                    found.add(task.get());
                }
                else {
                    missing.add(reference.startsWith("arn:") ? reference : Arns.task(region, accountId, cluster.name(), reference));
                }
            }
            return new Described<>(found, missing);
        });
    }

    public Page<String> listArns(String accountId, String region, TaskListFilter filter, PageRequest page)
    {
        if (filter.desiredStatus() != TaskStatus.RUNNING && filter.desiredStatus() != TaskStatus.STOPPED) {
            throw InvalidRequestException.invalidValue("desiredStatus must be RUNNING or STOPPED.");
        }
        return store.inTransaction(transaction -> {
            Cluster cluster = clusters.resolve(transaction, accountId, region, filter.cluster());
            String serviceName = emptyToNull(filter.serviceName());
            List<String> arns = transaction.tasks().listArns(accountId, cluster.name(), emptyToNull(filter.family()), emptyToNull(filter.startedBy()),
                    serviceName == null ? null : "service:" + serviceName, filter.desiredStatus(), page.offset(), page.maxResults() + 1);
            return Page.of(arns, page.offset(), page.maxResults());
        });
    }

    /** A task of the account by id, in any cluster (the logs endpoint names tasks by id alone). */
    public Optional<Task> find(String accountId, String clusterReference, String taskReference)
    {
        return store.inTransaction(transaction -> {
            if (clusterReference == null || clusterReference.isEmpty()) {
                return transaction.tasks().find(accountId, taskId(taskReference));
            }
            Cluster cluster = clusters.resolve(transaction, accountId, clusterReference);
            return findInCluster(transaction, accountId, cluster, taskReference);
        });
    }

    /** Forgets tasks stopped longer ago than the retention; ECS keeps them describable for about an hour. */
    public int purgeExpired()
    {
        Instant cutoff = clock.instant().minus(stoppedTaskRetention);
        int tokens = store.inTransaction(clientTokens::purgeExpired);
        if (tokens > 0) {
            log.info("Forgot {} client tokens past their window", tokens);
        }
        int purged = store.inTransaction(transaction -> transaction.tasks().deleteStoppedBefore(cutoff));
        if (purged > 0) {
            log.info("Purged {} tasks stopped before {}", purged, cutoff);
        }
        return purged;
    }

    /**
     * The capacity provider of each new task (null: launchType FARGATE, no provider): the request's strategy, else the
     * cluster's default strategy, else none, as ECS decides. A strategy may name only the cluster's providers.
     */
    private static List<String> capacityProviders(Cluster cluster, RunTaskCommand command)
    {
        List<ClusterConfiguration.StrategyItem> strategy = command.capacityProviderStrategy();
        if (strategy.isEmpty() && command.launchType() == null) {
            strategy = cluster.configuration().defaultCapacityProviderStrategy();
        }
        if (strategy.isEmpty()) {
            return java.util.Collections.nCopies(command.count(), null);
        }
        CapacityProviders.checkAssociated(strategy, cluster.configuration().capacityProviders());
        return CapacityProviders.spread(strategy, command.count());
    }

    private Task newTask(String accountId, String region, Cluster cluster, TaskDefinition definition, TaskSize size, EphemeralStorage storage, List<ContainerSpec> specs,
            RunTaskCommand command, IsolationTier isolation, List<Tag> tags, Instant now, String capacityProvider)
    {
        String taskId = newTaskId();
        List<TaskContainer> containers = new ArrayList<>();
        for (ContainerSpec spec : specs) {
            ContainerDefinition containerDefinition = definition.containerDefinitions().stream()
                    .filter(candidate -> candidate.name().equals(spec.name()))
                    .findFirst()
                    .orElseThrow();
            AwsLogsOptions awslogs = ContainerLogRules.check(containerDefinition);
            containers.add(new TaskContainer(
                    Arns.container(region, accountId, cluster.name(), taskId, UUID.randomUUID().toString()),
                    awslogs == null ? spec : spec.withAwslogs(awslogs.destination(spec.name(), taskId)),
                    TaskComposition.memoryReservation(containerDefinition, command.overrides()),
                    TaskStatus.PENDING,
                    null,
                    null,
                    null));
        }
        TaskState state = new TaskState(TaskStatus.PROVISIONING, TaskStatus.RUNNING, null, null, null, null, null, null, null, null, null, containers, 1, null);
        return new Task(
                accountId,
                taskId,
                Arns.task(region, accountId, cluster.name(), taskId),
                cluster.name(),
                cluster.arn(),
                definition.arn(),
                definition.family(),
                size.cpu(),
                size.memory(),
                command.overrides(),
                command.startedBy(),
                command.group() == null ? "family:" + definition.family() : command.group(),
                LAUNCH_TYPE,
                PLATFORM_VERSION,
                region.toLowerCase(Locale.ROOT) + "a",
                command.networkConfiguration(),
                now,
                state,
                command.placement(),
                storage,
                isolation,
                tags,
                // the role the containers get credentials for: RunTask's override, else the definition's
                command.overrides().taskRoleArn() != null ? command.overrides().taskRoleArn() : definition.taskRoleArn(),
                capacityProvider);
    }

    private static void checkContainersFit(List<ContainerSpec> specs, TaskSize size)
    {
        int memory = 0;
        int cpu = 0;
        for (ContainerSpec spec : specs) {
            if (spec.memoryMiB() != null) {
                if (spec.memoryMiB() > size.memory()) {
                    throw InvalidRequestException.invalidValue("The 'memory' setting for container '" + spec.name() + "' (" + spec.memoryMiB()
                            + " MiB) is greater than for the task (" + size.memory() + " MiB).");
                }
                memory += spec.memoryMiB();
            }
            cpu += spec.cpu() == null ? 0 : spec.cpu();
        }
        if (memory > size.memory()) {
            throw InvalidRequestException.invalidValue("The containers' memory adds up to " + memory + " MiB, more than the task's " + size.memory() + " MiB.");
        }
        if (cpu > size.cpu()) {
            throw InvalidRequestException.invalidValue("The containers' cpu adds up to " + cpu + ", more than the task's " + size.cpu() + ".");
        }
    }

    private static Optional<Task> findInCluster(StoreTransaction transaction, String accountId, Cluster cluster, String reference)
    {
        if (reference.startsWith("arn:")) {
            Optional<Arns.Arn> arn = Arns.parse(reference)
                    .filter(candidate -> candidate.resourceType().equals("task") && candidate.accountId().equals(accountId));
            if (arn.isEmpty()) {
                return Optional.empty();
            }
        }
        return transaction.tasks().find(accountId, taskId(reference))
                .filter(task -> task.clusterName().equals(cluster.name()));
    }

    /** The id at the end of a task ARN (task/CLUSTER/ID or the old task/ID), or the reference itself. */
    static String taskId(String reference)
    {
        if (!reference.startsWith("arn:")) {
            return reference;
        }
        return reference.substring(reference.lastIndexOf('/') + 1);
    }

    private static List<Task> ids(StoreTransaction transaction, String accountId, List<String> taskIds)
    {
        // a repeated RunTask may name tasks stopped and forgotten since: those are left out
        return taskIds.stream().flatMap(id -> transaction.tasks().find(accountId, id).stream()).toList();
    }

    private String newTaskId()
    {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String emptyToNull(String value)
    {
        return value == null || value.isEmpty() ? null : value;
    }
}
