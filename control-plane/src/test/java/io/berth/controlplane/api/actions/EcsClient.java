package io.berth.controlplane.api.actions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.json.Json;
import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.api.EcsAction;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;

import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Calls the control plane's ECS actions as one account would, with JSON in and out. */
public final class EcsClient
{
    private final Map<String, EcsAction> actions;
    private final RequestContext context;

    public EcsClient(ControlPlane controlPlane, AccessKey key)
    {
        this.actions = controlPlane.ecsActions().stream().collect(Collectors.toMap(EcsAction::name, Function.identity()));
        this.context = new RequestContext(key.account(), "us-east-1", UUID.randomUUID().toString());
    }

    public RequestContext context()
    {
        return context;
    }

    public JsonNode call(String action, String json)
    {
        EcsAction handler = actions.get(action);
        assertThat(handler).as("action %s", action).isNotNull();
        return handler.handle(context, parse(json));
    }

    public EcsException fails(String action, String json)
    {
        return catchThrowableOfType(EcsException.class, () -> call(action, json));
    }

    public static JsonNode parse(String json)
    {
        try {
            return Json.mapper().readTree(json);
        }
        catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
