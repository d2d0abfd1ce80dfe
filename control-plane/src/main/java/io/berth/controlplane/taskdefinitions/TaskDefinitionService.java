package io.berth.controlplane.taskdefinitions;

import io.berth.controlplane.isolation.TaskIsolation;
import io.berth.controlplane.resources.Tag;
import io.berth.controlplane.resources.TagRules;
import io.berth.controlplane.resources.Arns;
import io.berth.controlplane.resources.InvalidRequestException;
import io.berth.controlplane.resources.Page;
import io.berth.controlplane.resources.PageRequest;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.store.StoreTransaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Register, describe, list and deregister task definitions, each account seeing only its own. */
public final class TaskDefinitionService
{
    private static final Logger log = LoggerFactory.getLogger(TaskDefinitionService.class);

    private final Store store;
    private final Clock clock;

    public TaskDefinitionService(Store store, Clock clock)
    {
        this.store = requireNonNull(store, "store is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** region: the caller's, in the new revision's ARN. */
    public TaskDefinition register(String accountId, String region, TaskDefinitionRequest request)
    {
        TaskDefinitionValidator.checkFamily(request.family());
        TaskDefinitionValidator.checkContainers(request.containerDefinitions());
        TaskDefinitionValidator.checkCompatibilities(request.requiresCompatibilities());
        ContainerLinuxRules.checkTaskNamespaces(request.otherFields(), request.containerDefinitions().size());
        EphemeralStorage.parse(request.otherFields().get("ephemeralStorage"), "ephemeralStorage");
        TaskVolumeRules.check(request.otherFields(), request.containerDefinitions());
        String networkMode = TaskDefinitionValidator.networkMode(request.networkMode());
        TaskSize size = FargateTaskSizes.derive(
                TaskSize.parseCpu(request.cpu()),
                TaskSize.parseMemory(request.memory()),
                TaskDefinitionValidator.containersCpu(request.containerDefinitions()),
                TaskDefinitionValidator.containersMemory(request.containerDefinitions()));
        FargateTaskSizes.check(size);
        TaskDefinitionValidator.checkContainersFit(request.containerDefinitions(), size);
        List<Tag> tags = TagRules.check(request.tags());
        TaskIsolation.checkTags(tags);

        TaskDefinition registered = store.inTransaction(transaction -> {
            int revision = transaction.taskDefinitions().latestRevision(accountId, request.family()) + 1;
            TaskDefinition definition = new TaskDefinition(
                    accountId,
                    Arns.taskDefinition(region, accountId, request.family(), revision),
                    request.family(),
                    revision,
                    TaskDefinition.Status.ACTIVE,
                    request.containerDefinitions(),
                    size.cpu(),
                    size.memory(),
                    networkMode,
                    request.taskRoleArn(),
                    request.executionRoleArn(),
                    request.requiresCompatibilities().stream().map(value -> value.toUpperCase(Locale.ROOT)).toList(),
                    request.otherFields(),
                    clock.instant(),
                    null,
                    tags);
            transaction.taskDefinitions().insert(definition);
            return definition;
        });
        log.info("Registered task definition {} for account {}", registered.arn(), accountId);
        return registered;
    }

    /** By family (latest ACTIVE revision), family:revision or ARN. */
    public TaskDefinition describe(String accountId, String reference)
    {
        return findByReference(accountId, reference)
                .orElseThrow(() -> InvalidRequestException.refused("Unable to describe task definition."));
    }

    /** The definition a reference names, in a transaction of its own; empty when there is none. */
    public Optional<TaskDefinition> findByReference(String accountId, String reference)
    {
        return store.inTransaction(transaction -> find(transaction, accountId, reference));
    }

    /** The definition RunTask names, inside the caller's transaction; empty when there is none. */
    public Optional<TaskDefinition> find(StoreTransaction transaction, String accountId, String reference)
    {
        if (reference == null || reference.isEmpty()) {
            throw InvalidRequestException.refused("taskDefinition is required: give family, family:revision or the task definition ARN.");
        }
        Optional<String> familyAndRevision = Arns.resourceId(reference, "task-definition", accountId);
        if (familyAndRevision.isEmpty()) {
            return Optional.empty();
        }
        String value = familyAndRevision.get();
        int colon = value.lastIndexOf(':');
        if (colon < 0) {
            return transaction.taskDefinitions().findLatestActive(accountId, value);
        }
        Integer revision = parseRevision(value.substring(colon + 1));
        if (revision == null) {
            throw InvalidRequestException.refused("Invalid revision in '" + reference + "': give family:revision with a revision number of 1 or more.");
        }
        return transaction.taskDefinitions().find(accountId, value.substring(0, colon), revision);
    }

    public Page<String> listArns(String accountId, String familyPrefix, TaskDefinition.Status status, boolean descending, PageRequest page)
    {
        return store.inTransaction(transaction -> Page.of(
                transaction.taskDefinitions().listArns(accountId, emptyToNull(familyPrefix), status, descending, page.offset(), page.maxResults() + 1),
                page.offset(),
                page.maxResults()));
    }

    /** Families with a revision of the status (ECS lists families with an ACTIVE revision unless told ALL or INACTIVE). */
    public Page<String> listFamilies(String accountId, String familyPrefix, TaskDefinition.Status status, PageRequest page)
    {
        return store.inTransaction(transaction -> Page.of(
                transaction.taskDefinitions().listFamilies(accountId, emptyToNull(familyPrefix), status, page.offset(), page.maxResults() + 1),
                page.offset(),
                page.maxResults()));
    }

    public TaskDefinition deregister(String accountId, String reference)
    {
        if (reference == null || reference.isEmpty()) {
            throw InvalidRequestException.refused("taskDefinition is required: give family:revision or the task definition ARN.");
        }
        String resource = Arns.resourceId(reference, "task-definition", accountId).orElse(reference);
        if (!resource.contains(":")) {
            throw InvalidRequestException.refused("Deregistering a task definition needs its revision: give family:revision or the task definition ARN.");
        }
        TaskDefinition deregistered = store.inTransaction(transaction -> {
            TaskDefinition definition = find(transaction, accountId, reference)
                    .orElseThrow(() -> InvalidRequestException.refused("The specified task definition does not exist."));
            if (definition.status() != TaskDefinition.Status.ACTIVE) {
                return definition;
            }
            TaskDefinition inactive = definition.deregistered(clock.instant());
            transaction.taskDefinitions().update(inactive);
            return inactive;
        });
        log.info("Deregistered task definition {}", deregistered.arn());
        return deregistered;
    }

    /** The outcome of DeleteTaskDefinitions: the revisions now DELETE_IN_PROGRESS, and per reference refused, why. */
    public record Deletion(List<TaskDefinition> deleted, List<Failure> failures)
    {
        public record Failure(String reference, String reason) {}
    }

    /** DeleteTaskDefinitions: marks INACTIVE revisions DELETE_IN_PROGRESS; an ACTIVE or missing one is a failure, not an error. */
    public Deletion delete(String accountId, List<String> references)
    {
        if (references == null || references.isEmpty() || references.size() > 10) {
            throw InvalidRequestException.invalidValue("taskDefinitions must name 1 to 10 task definitions (family:revision or ARN).");
        }
        Deletion deletion = store.inTransaction(transaction -> {
            List<TaskDefinition> deleted = new ArrayList<>();
            List<Deletion.Failure> failures = new ArrayList<>();
            for (String reference : references) {
                String resource = Arns.resourceId(reference, "task-definition", accountId).orElse(reference);
                if (!resource.contains(":")) {
                    failures.add(new Deletion.Failure(reference, "The specified task definition identifier is invalid: give family:revision or the task definition ARN."));
                    continue;
                }
                Optional<TaskDefinition> found = find(transaction, accountId, reference);
                if (found.isEmpty()) {
                    failures.add(new Deletion.Failure(reference, "The specified task definition does not exist."));
                }
                else if (found.get().status() == TaskDefinition.Status.ACTIVE) {
                    failures.add(new Deletion.Failure(reference, "The specified task definition is still in ACTIVE status. Please deregister the target and try again."));
                }
                else {
                    TaskDefinition marked = found.get().deleteRequested();
                    transaction.taskDefinitions().update(marked);
                    deleted.add(marked);
                }
            }
            return new Deletion(deleted, failures);
        });
        deletion.deleted().forEach(definition -> log.info("Delete requested for task definition {}", definition.arn()));
        return deletion;
    }

    private static Integer parseRevision(String value)
    {
        try {
            int revision = Integer.parseInt(value);
            return revision >= 1 ? revision : null;
        }
        catch (NumberFormatException e) {
            return null;
        }
    }

    private static String emptyToNull(String value)
    {
        return value == null || value.isEmpty() ? null : value;
    }
}
