package io.berth.controlplane.api;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * One AWS service spoken with the JSON 1.1 protocol on {@code POST /}: requests signed for signingName (the SigV4
 * credential scope's service, e.g. ecs or ecr) name their action in X-Amz-Target as targetPrefix + action.
 */
public record JsonService(String signingName, String targetPrefix, List<EcsAction> actions)
{
    public static final String ECS_SIGNING_NAME = "ecs";
    public static final String ECS_TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113.";
    public static final String ECR_SIGNING_NAME = "ecr";
    public static final String ECR_TARGET_PREFIX = "AmazonEC2ContainerRegistry_V20150921.";
    public static final String LOGS_SIGNING_NAME = "logs";
    public static final String LOGS_TARGET_PREFIX = "Logs_20140328.";

    public JsonService
    {
        requireNonNull(signingName, "signingName is null");
        requireNonNull(targetPrefix, "targetPrefix is null");
        actions = List.copyOf(actions);
    }

    public static JsonService ecs(List<EcsAction> actions)
    {
        return new JsonService(ECS_SIGNING_NAME, ECS_TARGET_PREFIX, actions);
    }

    public Map<String, EcsAction> actionsByName()
    {
        return actions.stream().collect(Collectors.toUnmodifiableMap(EcsAction::name, Function.identity()));
    }
}
