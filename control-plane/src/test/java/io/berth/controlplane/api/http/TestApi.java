package io.berth.controlplane.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.common.json.Json;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.accounts.AccessKeyLookup;
import io.berth.controlplane.accounts.Account;
import io.berth.controlplane.api.AdminEndpoint;
import io.berth.controlplane.api.EcsAction;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.resources.NotFoundException;
import io.berth.controlplane.store.StoreBusyException;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An ApiServer on a loopback port with one account, and fake actions whose answers depend on their input. */
final class TestApi
        implements AutoCloseable
{
    static final Account ACCOUNT = new Account("123456789012", "test", false);
    static final AccessKey KEY = new AccessKey("AKIDTEST", "secret/test+key", ACCOUNT);

    final ApiServer server;

    TestApi(Clock clock, int maxBodyBytes)
    {
        this(clock, maxBodyBytes, null);
    }

    /** tls: the server's TLS context, or null for plain HTTP. */
    TestApi(Clock clock, int maxBodyBytes, javax.net.ssl.SSLContext tls)
    {
        AccessKeyLookup keys = accessKeyId -> accessKeyId.equals(KEY.accessKeyId()) ? Optional.of(KEY) : Optional.empty();
        server = new ApiServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), keys, actions(), adminEndpoints(), clock, maxBodyBytes);
        if (tls != null) {
            server.tls(tls);
        }
        server.start();
    }

    TestApi()
    {
        this(Clock.systemUTC(), ApiServer.DEFAULT_MAX_BODY_BYTES);
    }

    @Override
    public void close()
    {
        server.close();
    }

    private static List<EcsAction> actions()
    {
        return List.of(
                action("ListClusters", (context, request) -> {
                    ObjectNode response = Json.mapper().createObjectNode();
                    response.putArray("clusterArns").add("arn:aws:ecs:" + context.region() + ":" + context.account().accountId() + ":cluster/default");
                    return response;
                }),
                action("DescribeClusters", (context, request) -> {
                    ObjectNode response = Json.mapper().createObjectNode();
                    ArrayNode clusters = response.putArray("clusters");
                    for (JsonNode name : request.path("clusters")) {
                        clusters.addObject()
                                .put("clusterName", name.asText())
                                .put("status", "ACTIVE")
                                .put("runningTasksCount", name.asText().length());
                    }
                    response.putArray("failures");
                    return response;
                }),
                action("ListServices", (context, request) -> {
                    throw EcsException.clusterNotFound("Cluster not found: " + request.path("cluster").asText());
                }),
                action("ListTaskDefinitions", (context, request) -> {
                    throw new IllegalStateException("secret internal detail");
                }),
                // a domain refusal that the action itself does not map: the server still answers in ECS's shape
                action("ListContainerInstances", (context, request) -> {
                    throw NotFoundException.cluster("Cluster not found: " + request.path("cluster").asText());
                }),
                action("ListTaskDefinitionFamilies", (context, request) -> {
                    throw new StoreBusyException("The store is busy: no connection came free in time", null);
                }));
    }

    private static List<AdminEndpoint> adminEndpoints()
    {
        return List.of(
                admin("GET", "/berth/tasks/{taskId}/logs", (context, path, query, body) -> {
                    ObjectNode response = Json.mapper().createObjectNode();
                    response.put("taskId", path.get("taskId"));
                    response.set("query", Json.mapper().valueToTree(query));
                    response.put("region", context.region());
                    response.put("bodyIsEmptyObject", body.isObject() && body.isEmpty());
                    return response;
                }),
                admin("POST", "/berth/accounts", (context, path, query, body) -> {
                    ObjectNode response = Json.mapper().createObjectNode();
                    response.put("name", body.path("name").asText());
                    response.put("createdBy", context.account().accountId());
                    return response;
                }));
    }

    interface ActionHandler
    {
        JsonNode handle(RequestContext context, JsonNode request);
    }

    interface AdminHandler
    {
        JsonNode handle(RequestContext context, Map<String, String> path, Map<String, String> query, JsonNode body);
    }

    static EcsAction action(String name, ActionHandler handler)
    {
        return new EcsAction()
        {
            @Override
            public String name()
            {
                return name;
            }

            @Override
            public JsonNode handle(RequestContext context, JsonNode request)
            {
                return handler.handle(context, request);
            }
        };
    }

    static AdminEndpoint admin(String method, String pattern, AdminHandler handler)
    {
        return new AdminEndpoint()
        {
            @Override
            public String method()
            {
                return method;
            }

            @Override
            public String pathPattern()
            {
                return pattern;
            }

            @Override
            public JsonNode handle(RequestContext context, Map<String, String> pathParameters, Map<String, String> query, JsonNode body)
            {
                return handler.handle(context, pathParameters, query, body);
            }
        };
    }
}
