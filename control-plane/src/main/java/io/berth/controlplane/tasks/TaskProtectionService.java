package io.berth.controlplane.tasks;

import io.berth.controlplane.clusters.Cluster;
import io.berth.controlplane.clusters.ClusterService;
import io.berth.controlplane.resources.Arns;
import io.berth.controlplane.resources.InvalidRequestException;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.store.StoreTransaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * GetTaskProtection and UpdateTaskProtection: a task's scale-in protection, for expiresInMinutes (1 to 2880, 120 by
 * default, as in ECS). Whoever stops tasks to scale in (the service controller) asks {@link #isProtected} first and
 * leaves a protected task running; StopTask and a drain are not scale-in and still stop it, as in ECS.
 */
public final class TaskProtectionService
{
    private static final Logger log = LoggerFactory.getLogger(TaskProtectionService.class);
    static final int DEFAULT_MINUTES = 120;
    static final int MAX_MINUTES = 2880;
    private static final int MAX_TASKS = 10;

    private final Store store;
    private final ClusterService clusters;
    private final Clock clock;

    public TaskProtectionService(Store store, ClusterService clusters, Clock clock)
    {
        this.store = requireNonNull(store, "store is null");
        this.clusters = requireNonNull(clusters, "clusters is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The outcome for a list of tasks: the protections of those found, and per reference not found, why. */
    public record Outcome(List<TaskProtection> protections, List<Failure> failures)
    {
        public record Failure(String reference, String reason) {}
    }

    public Outcome get(String accountId, String clusterReference, List<String> taskReferences)
    {
        checkTasks(taskReferences);
        return store.inTransaction(transaction -> forEachTask(transaction, accountId, clusterReference, taskReferences,
                task -> protection(transaction, task, clock.instant())));
    }

    public Outcome update(String accountId, String clusterReference, List<String> taskReferences, boolean enabled, Integer expiresInMinutes)
    {
        checkTasks(taskReferences);
        int minutes = expiresInMinutes == null ? DEFAULT_MINUTES : expiresInMinutes;
        if (!enabled && expiresInMinutes != null) {
            throw InvalidRequestException.invalidValue("expiresInMinutes can only be given with protectionEnabled true.");
        }
        if (minutes < 1 || minutes > MAX_MINUTES) {
            throw InvalidRequestException.invalidValue("expiresInMinutes must be between 1 and " + MAX_MINUTES + ", got " + minutes + ".");
        }
        Instant now = clock.instant();
        Outcome outcome = store.inTransaction(transaction -> forEachTask(transaction, accountId, clusterReference, taskReferences, task -> {
            if (enabled) {
                transaction.taskProtection().protect(accountId, task.taskId(), now.plus(Duration.ofMinutes(minutes)));
            }
            else {
                transaction.taskProtection().unprotect(accountId, task.taskId());
            }
            return protection(transaction, task, now);
        }));
        outcome.protections().forEach(protection -> log.info("Task {} scale-in protection {} until {}", protection.taskArn(),
                protection.protectionEnabled() ? "on" : "off", protection.expirationDate()));
        return outcome;
    }

    /** Whether scale-in must leave the task running now. */
    public static boolean isProtected(StoreTransaction transaction, Task task, Instant now)
    {
        return transaction.taskProtection().expiresAt(task.accountId(), task.taskId()).filter(now::isBefore).isPresent();
    }

    private interface TaskAction
    {
        TaskProtection apply(Task task);
    }

    private Outcome forEachTask(StoreTransaction transaction, String accountId, String clusterReference, List<String> taskReferences, TaskAction action)
    {
        Cluster cluster = clusters.resolve(transaction, accountId, clusterReference);
        List<TaskProtection> protections = new ArrayList<>();
        List<Outcome.Failure> failures = new ArrayList<>();
        for (String reference : taskReferences) {
            Optional<Task> task = Arns.resourceId(reference, "task", accountId)
                    .flatMap(ignored -> transaction.tasks().find(accountId, TaskService.taskId(reference)))
                    .filter(candidate -> candidate.clusterName().equals(cluster.name()));
            if (task.isEmpty()) {
                failures.add(new Outcome.Failure(reference, "MISSING"));
            }
            else if (task.get().state().desiredStatus() == TaskStatus.STOPPED) {
                failures.add(new Outcome.Failure(task.get().arn(), "TASK_NOT_VALID"));
            }
            else {
                protections.add(action.apply(task.get()));
            }
        }
        return new Outcome(protections, failures);
    }

    private static TaskProtection protection(StoreTransaction transaction, Task task, Instant now)
    {
        Optional<Instant> expiresAt = transaction.taskProtection().expiresAt(task.accountId(), task.taskId()).filter(now::isBefore);
        return new TaskProtection(task.arn(), expiresAt.isPresent(), expiresAt.orElse(null));
    }

    private static void checkTasks(List<String> taskReferences)
    {
        if (taskReferences == null || taskReferences.isEmpty() || taskReferences.size() > MAX_TASKS) {
            throw InvalidRequestException.invalidValue("tasks must name 1 to " + MAX_TASKS + " tasks (id or ARN).");
        }
    }
}
