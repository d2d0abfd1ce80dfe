package io.berth.controlplane.resources;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Builds and reads ECS ARNs: arn:aws:ecs:REGION:ACCOUNT:cluster/NAME, task-definition/FAMILY:REVISION,
 * task/CLUSTER/ID, service/CLUSTER/NAME and container/CLUSTER/TASK/ID. Requests may name a resource by ARN or by its short name.
 */
public final class Arns
{
    private Arns() {}

    /** The pieces of an ECS ARN; resource is what follows "ACCOUNT:", e.g. "cluster/default". */
    public record Arn(String region, String accountId, String resourceType, String resourceId)
    {
        public Arn
        {
            requireNonNull(region, "region is null");
            requireNonNull(accountId, "accountId is null");
            requireNonNull(resourceType, "resourceType is null");
            requireNonNull(resourceId, "resourceId is null");
        }
    }

    public static String cluster(String region, String accountId, String clusterName)
    {
        return prefix(region, accountId) + "cluster/" + clusterName;
    }

    public static String taskDefinition(String region, String accountId, String family, int revision)
    {
        return prefix(region, accountId) + "task-definition/" + family + ":" + revision;
    }

    public static String task(String region, String accountId, String clusterName, String taskId)
    {
        return prefix(region, accountId) + "task/" + clusterName + "/" + taskId;
    }

    public static String service(String region, String accountId, String clusterName, String serviceName)
    {
        return prefix(region, accountId) + "service/" + clusterName + "/" + serviceName;
    }

    public static String container(String region, String accountId, String clusterName, String taskId, String containerId)
    {
        return prefix(region, accountId) + "container/" + clusterName + "/" + taskId + "/" + containerId;
    }

    /** Empty unless value looks like arn:aws:ecs:REGION:ACCOUNT:TYPE/ID. */
    public static Optional<Arn> parse(String value)
    {
        if (value == null || !value.startsWith("arn:")) {
            return Optional.empty();
        }
        String[] parts = value.split(":", 6);
        if (parts.length != 6 || !parts[2].equals("ecs")) {
            return Optional.empty();
        }
        String resource = parts[5];
        int slash = resource.indexOf('/');
        if (slash <= 0 || slash == resource.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(new Arn(parts[3], parts[4], resource.substring(0, slash), resource.substring(slash + 1)));
    }

    /**
     * The short name a reference stands for: the reference itself when it is not an ARN, the resource id when
     * it is an ARN of the expected type in the caller's account, and empty for an ARN of another account or
     * type (which the caller then reports as not found).
     */
    public static Optional<String> resourceId(String reference, String expectedType, String accountId)
    {
        requireNonNull(reference, "reference is null");
        if (!reference.startsWith("arn:")) {
            return Optional.of(reference);
        }
        return parse(reference)
                .filter(arn -> arn.resourceType().equals(expectedType))
                .filter(arn -> arn.accountId().equals(accountId))
                .map(Arn::resourceId);
    }

    private static String prefix(String region, String accountId)
    {
        return "arn:aws:ecs:" + requireNonNull(region, "region is null") + ":" + requireNonNull(accountId, "accountId is null") + ":";
    }
}
