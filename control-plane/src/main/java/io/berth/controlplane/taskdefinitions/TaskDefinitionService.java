package io.berth.controlplane.taskdefinitions;

import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.isolation.TaskIsolation;
import io.berth.controlplane.resources.Tag;
import io.berth.controlplane.resources.TagRules;
import io.berth.controlplane.resources.Arns;
import io.berth.controlplane.resources.Page;
import io.berth.controlplane.resources.PageRequest;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.store.StoreTransaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Register, describe, list and deregister task definitions, each account seeing only its own. */
public final class TaskDefinitionService
{
    private static final Logger log = LoggerFactory.getLogger(TaskDefinitionService.class);

    private final Store store;
    private final String region;
    private final Clock clock;

    public TaskDefinitionService(Store store, String region, Clock clock)
    {
        this.store = requireNonNull(store, "store is null");
        this.region = requireNonNull(region, "region is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public TaskDefinition register(String accountId, TaskDefinitionRequest request)
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
                .orElseThrow(() -> EcsException.clientException("Unable to describe task definition."));
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
            throw EcsException.clientException("taskDefinition is required: give family, family:revision or the task definition ARN.");
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
            throw EcsException.clientException("Invalid revision in '" + reference + "': give family:revision with a revision number of 1 or more.");
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
            throw EcsException.clientException("taskDefinition is required: give family:revision or the task definition ARN.");
        }
        String resource = Arns.resourceId(reference, "task-definition", accountId).orElse(reference);
        if (!resource.contains(":")) {
            throw EcsException.clientException("Deregistering a task definition needs its revision: give family:revision or the task definition ARN.");
        }
        TaskDefinition deregistered = store.inTransaction(transaction -> {
            TaskDefinition definition = find(transaction, accountId, reference)
                    .orElseThrow(() -> EcsException.clientException("The specified task definition does not exist."));
            if (definition.status() == TaskDefinition.Status.INACTIVE) {
                return definition;
            }
            TaskDefinition inactive = definition.deregistered(clock.instant());
            transaction.taskDefinitions().update(inactive);
            return inactive;
        });
        log.info("Deregistered task definition {}", deregistered.arn());
        return deregistered;
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
