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
public final class JsonService
{
    public static final String ECS_SIGNING_NAME = "ecs";
    public static final String ECS_TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113.";
    public static final String ECR_SIGNING_NAME = "ecr";
    public static final String ECR_TARGET_PREFIX = "AmazonEC2ContainerRegistry_V20150921.";
    public static final String LOGS_SIGNING_NAME = "logs";
    public static final String LOGS_TARGET_PREFIX = "Logs_20140328.";

    private final String signingName;
    private final String targetPrefix;
    private final List<EcsAction> actions;
    // made once: every request looks its action up, some more than once
    private final Map<String, EcsAction> actionsByName;

    public JsonService(String signingName, String targetPrefix, List<EcsAction> actions)
    {
        this.signingName = requireNonNull(signingName, "signingName is null");
        this.targetPrefix = requireNonNull(targetPrefix, "targetPrefix is null");
        this.actions = List.copyOf(actions);
        this.actionsByName = this.actions.stream().collect(Collectors.toUnmodifiableMap(EcsAction::name, Function.identity()));
    }

    public static JsonService ecs(List<EcsAction> actions)
    {
        return new JsonService(ECS_SIGNING_NAME, ECS_TARGET_PREFIX, actions);
    }

    public String signingName()
    {
        return signingName;
    }

    public String targetPrefix()
    {
        return targetPrefix;
    }

    public List<EcsAction> actions()
    {
        return actions;
    }

    public Map<String, EcsAction> actionsByName()
    {
        return actionsByName;
    }
}
