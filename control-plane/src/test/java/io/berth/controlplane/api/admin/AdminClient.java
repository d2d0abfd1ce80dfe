package io.berth.controlplane.api.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.api.AdminEndpoint;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.api.actions.EcsClient;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Calls the control plane's admin endpoints as the API server does once it knows the caller, with JSON in and out. */
public final class AdminClient
{
    private final List<AdminEndpoint> endpoints;

    public AdminClient(ControlPlane controlPlane)
    {
        this.endpoints = controlPlane.adminEndpoints();
    }

    /** The endpoint at method and path (a pattern such as /berth/hosts/{hostId}), called by key's account. */
    public JsonNode call(AccessKey key, String method, String path, Map<String, String> pathParameters, Map<String, String> query, String body)
    {
        AdminEndpoint endpoint = endpoints.stream()
                .filter(candidate -> candidate.method().equals(method) && candidate.pathPattern().equals(path))
                .findFirst()
                .orElseThrow();
        return endpoint.handle(new RequestContext(key.account(), "us-east-1", "request"), pathParameters, query, EcsClient.parse(body));
    }

    /** The error the call fails with; null when it succeeds. */
    public EcsException fails(AccessKey key, String method, String path, Map<String, String> pathParameters, Map<String, String> query, String body)
    {
        return catchThrowableOfType(EcsException.class, () -> call(key, method, path, pathParameters, query, body));
    }
}
