package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientConfig;
import io.berth.cli.client.BerthClientFactory;
import io.berth.common.json.Json;
import io.berth.common.sigv4.SigV4Credentials;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.accounts.Account;
import io.berth.controlplane.api.AdminEndpoint;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.http.ApiServer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The host admin endpoints over a real ApiServer, backed by a map of hosts: enough for the host commands to be
 * tested as they call a real control plane (signed requests, JSON, the ECS error shape). The tenant key gets
 * AccessDeniedException, as from the real endpoints.
 */
final class FakeHosts
        implements AutoCloseable
{
    static final AccessKey OPERATOR = new AccessKey("AKIDOPERATOR", "operator-secret", new Account("123456789012", "operator", true));
    static final AccessKey TENANT = new AccessKey("AKIDTENANT", "tenant-secret", new Account("210987654321", "tenant", false));

    final Map<String, ObjectNode> hosts = new LinkedHashMap<>();
    final List<String> calls = new ArrayList<>();
    final ApiServer server;
    private final Clock clock;

    FakeHosts(Clock clock)
    {
        this.clock = clock;
        server = new ApiServer(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                accessKeyId -> List.of(OPERATOR, TENANT).stream().filter(key -> key.accessKeyId().equals(accessKeyId)).findFirst(),
                List.of(),
                List.of(
                        endpoint("GET", "/berth/hosts", (path, body) -> {
                            ObjectNode response = Json.mapper().createObjectNode();
                            ArrayNode array = response.putArray("hosts");
                            hosts.values().forEach(array::add);
                            return response;
                        }),
                        endpoint("POST", "/berth/hosts/{hostId}/cordon", (path, body) -> state(path.get("hostId"), "CORDONED", body)),
                        endpoint("POST", "/berth/hosts/{hostId}/uncordon", (path, body) -> state(path.get("hostId"), "ACTIVE", body)),
                        endpoint("POST", "/berth/hosts/{hostId}/drain", (path, body) -> state(path.get("hostId"), "DRAINING", body)),
                        endpoint("DELETE", "/berth/hosts/{hostId}", (path, body) -> remove(path.get("hostId"), path.containsKey("force"))),
                        endpoint("GET", "/berth/tasks/{taskId}/placement", (path, body) -> placement(path.get("taskId")))),
                clock);
        server.start();
    }

    void addHost(String hostId, String state, int tasks, Instant lastHeartbeat)
    {
        ObjectNode host = Json.mapper().createObjectNode();
        host.put("hostId", hostId);
        host.put("address", "10.0.0." + (hosts.size() + 1));
        host.put("state", state);
        host.put("taskSubnet", "10.213." + hosts.size() + ".0/24");
        host.putObject("cpu").put("capacity", 4096).put("allocated", 256 * tasks);
        host.putObject("memory").put("capacity", 8192).put("allocated", 512 * tasks);
        host.put("runningTasks", tasks);
        host.put("lastHeartbeat", lastHeartbeat.toEpochMilli() / 1000.0);
        host.putArray("isolationTiers").add("container");
        if (hosts.isEmpty()) {
            host.withArray("isolationTiers").add("sandbox");
            host.put("agentVersion", "0.2.0");
        }
        host.putObject("attributes").put("ecs.availability-zone", "zone-a");
        hosts.put(hostId, host);
    }

    BerthClientFactory clients(AccessKey key)
    {
        java.net.URI endpoint = server.endpoint();
        return (endpointOverride, region) -> new BerthClient(
                new BerthClientConfig(endpoint, new SigV4Credentials(key.accessKeyId(), key.secretAccessKey()), region.orElse("us-east-1")), clock);
    }

    @Override
    public void close()
    {
        server.close();
    }

    private synchronized JsonNode state(String hostId, String state, JsonNode body)
    {
        ObjectNode host = hosts.get(hostId);
        if (host == null) {
            throw EcsException.invalidParameter("No host " + hostId + " has joined this control plane; `berth host ls` lists the hosts.");
        }
        host.put("state", state);
        if (body.has("deadlineSeconds")) {
            host.put("drainDeadline", clock.instant().plusSeconds(body.get("deadlineSeconds").asLong()).toEpochMilli() / 1000.0);
        }
        return host;
    }

    /** As the real endpoint: refused while the host holds tasks, unless forced. */
    private synchronized JsonNode remove(String hostId, boolean force)
    {
        ObjectNode host = hosts.get(hostId);
        if (host == null) {
            throw EcsException.resourceNotFound("No host " + hostId + " has joined this control plane; `berth host ls` lists the hosts.");
        }
        int tasks = host.path("runningTasks").asInt();
        if (tasks > 0 && !force) {
            throw EcsException.clientException("Host " + hostId + " still holds " + tasks + " tasks that are not STOPPED: drain it first, or remove it with --force.");
        }
        hosts.remove(hostId);
        ObjectNode response = Json.mapper().createObjectNode();
        response.put("hostId", hostId);
        response.put("taskSubnet", host.path("taskSubnet").asText());
        response.put("stoppedTasks", tasks);
        return response;
    }

    private JsonNode placement(String taskId)
    {
        ObjectNode response = Json.mapper().createObjectNode();
        response.put("taskId", taskId);
        response.put("lastStatus", "PROVISIONING");
        response.put("desiredStatus", "RUNNING");
        response.putArray("placementStrategy").addObject().put("type", "binpack").put("field", "memory");
        response.putArray("placementConstraints").addObject().put("type", "memberOf").put("expression", "attribute:disk == ssd");
        ObjectNode failure = response.putObject("latestFailure");
        failure.put("attemptedAt", clock.instant().toEpochMilli() / 1000.0);
        failure.put("reason", "RESOURCE:MEMORY");
        failure.put("message", "RESOURCE:MEMORY (no host has 8192 MiB free; largest free: 3000 MiB; 2 hosts: 1 RESOURCE:MEMORY, 1 CORDONED)");
        ArrayNode reasons = failure.putArray("hosts");
        reasons.addObject().put("hostId", "host-a").put("reason", "RESOURCE:MEMORY");
        reasons.addObject().put("hostId", "host-b").put("reason", "CORDONED");
        return response;
    }

    interface Handler
    {
        JsonNode handle(Map<String, String> path, JsonNode body);
    }

    /** Only the operator may call it, as the real host endpoints; each call is recorded in {@link #calls}. */
    private AdminEndpoint endpoint(String method, String pattern, Handler handler)
    {
        return new LambdaAdminEndpoint(method, pattern, (context, pathParameters, query, body) -> {
            if (!context.account().operator()) {
                throw EcsException.accessDenied("Only the operator account can manage hosts and read placement details; sign the request with the operator's access key.");
            }
            synchronized (FakeHosts.this) {
                calls.add(method + " " + pattern.replace("{hostId}", pathParameters.getOrDefault("hostId", "")).replace("{taskId}", pathParameters.getOrDefault("taskId", ""))
                        + (query.isEmpty() ? "" : "?" + query.entrySet().iterator().next()) + (body.isEmpty() ? "" : " " + body));
            }
            Map<String, String> parameters = new LinkedHashMap<>(pathParameters);
            if ("true".equals(query.get("force"))) {
                parameters.put("force", "true");
            }
            return handler.handle(parameters, body);
        });
    }
}
