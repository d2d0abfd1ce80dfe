package io.berth.controlplane.taskdefinitions;

import io.berth.controlplane.resources.Tag;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A registered revision of a family. cpu (ECS units) and memory (MiB) are the task size, always set: derived
 * at registration when the request gave none (see {@link TaskSize#derive}). otherFields keeps the top-level
 * fields Berth stores and echoes as given (volumes, runtimePlatform, ...); some of them are checked and acted on
 * where they matter, such as ephemeralStorage ({@link #ephemeralStorage()}). tags are the definition's own tags
 * (DescribeTaskDefinition shows them when asked to include TAGS); Berth acts on berth:isolation.
 */
public record TaskDefinition(
        String accountId,
        String arn,
        String family,
        int revision,
        Status status,
        List<ContainerDefinition> containerDefinitions,
        int cpu,
        int memory,
        String networkMode,
        String taskRoleArn,
        String executionRoleArn,
        List<String> requiresCompatibilities,
        Map<String, Object> otherFields,
        Instant registeredAt,
        Instant deregisteredAt,
        List<Tag> tags)
{
    /** DELETE_IN_PROGRESS: DeleteTaskDefinitions was called on the INACTIVE revision; it can never run again. */
    public enum Status { ACTIVE, INACTIVE, DELETE_IN_PROGRESS }

    public TaskDefinition
    {
        requireNonNull(accountId, "accountId is null");
        requireNonNull(arn, "arn is null");
        requireNonNull(family, "family is null");
        requireNonNull(status, "status is null");
        containerDefinitions = List.copyOf(containerDefinitions);
        requiresCompatibilities = requiresCompatibilities == null ? List.of() : List.copyOf(requiresCompatibilities);
        otherFields = otherFields == null ? Map.of() : Map.copyOf(otherFields);
        requireNonNull(registeredAt, "registeredAt is null");
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** A definition without tags. */
    public TaskDefinition(String accountId, String arn, String family, int revision, Status status, List<ContainerDefinition> containerDefinitions,
            int cpu, int memory, String networkMode, String taskRoleArn, String executionRoleArn, List<String> requiresCompatibilities,
            Map<String, Object> otherFields, Instant registeredAt, Instant deregisteredAt)
    {
        this(accountId, arn, family, revision, status, containerDefinitions, cpu, memory, networkMode, taskRoleArn, executionRoleArn,
                requiresCompatibilities, otherFields, registeredAt, deregisteredAt, List.of());
    }

    public TaskDefinition withTags(List<Tag> value)
    {
        return new TaskDefinition(accountId, arn, family, revision, status, containerDefinitions, cpu, memory, networkMode, taskRoleArn,
                executionRoleArn, requiresCompatibilities, otherFields, registeredAt, deregisteredAt, value);
    }

    public TaskSize size()
    {
        return new TaskSize(cpu, memory);
    }

    /** The storage the definition asks for (kept in otherFields as given, so that it is echoed so), else the default. */
    public EphemeralStorage ephemeralStorage()
    {
        return EphemeralStorage.parse(otherFields.get("ephemeralStorage"), "ephemeralStorage").orElse(EphemeralStorage.DEFAULT);
    }

    public TaskDefinition deleteRequested()
    {
        return new TaskDefinition(accountId, arn, family, revision, Status.DELETE_IN_PROGRESS, containerDefinitions, cpu, memory, networkMode,
                taskRoleArn, executionRoleArn, requiresCompatibilities, otherFields, registeredAt, deregisteredAt, tags);
    }

    public TaskDefinition deregistered(Instant now)
    {
        return new TaskDefinition(accountId, arn, family, revision, Status.INACTIVE, containerDefinitions, cpu, memory, networkMode,
                taskRoleArn, executionRoleArn, requiresCompatibilities, otherFields, registeredAt, now, tags);
    }

    /**
     * Whether Fargate may run it: it names FARGATE among its requiresCompatibilities. As on ECS, a definition that names
     * none was validated for EC2 only (its compatibilities are ["EC2"]), so it does not run on Fargate even when its
     * fields would fit Fargate's rules; Berth runs no EC2 launch type, so such a definition is registered but never runs.
     */
    public boolean fargateCompatible()
    {
        return requiresCompatibilities.contains("FARGATE");
    }

    /** ECS's compatibilities field: the launch types the definition validated against (EC2 always, as ECS). */
    public List<String> compatibilities()
    {
        java.util.LinkedHashSet<String> validated = new java.util.LinkedHashSet<>(List.of("EC2"));
        if (fargateCompatible()) {
            validated.add("FARGATE");
        }
        validated.addAll(requiresCompatibilities);
        return List.copyOf(validated);
    }

    /** Refuses to launch it on Fargate when it asked for other launch types only, in ECS's words. */
    public void checkFargateCompatible()
    {
        if (!fargateCompatible()) {
            String asked = requiresCompatibilities.isEmpty()
                    ? " names no requiresCompatibilities, so it was validated for EC2 only (as on ECS), which Berth does not run"
                    : " requires " + String.join(", ", requiresCompatibilities);
            throw io.berth.controlplane.resources.InvalidRequestException.invalidValue("Task definition does not support launch_type FARGATE. " + arn
                    + asked + "; register a revision with requiresCompatibilities FARGATE.");
        }
    }
}
