package io.berth.controlplane.api.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.controlplane.agents.Host;
import io.berth.controlplane.api.AdminEndpoint;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.actions.JsonFields;
import io.berth.controlplane.hosts.HostHasTasksException;
import io.berth.controlplane.hosts.HostNotFoundException;
import io.berth.controlplane.hosts.HostRemoval;
import io.berth.controlplane.hosts.HostService;
import io.berth.controlplane.hosts.HostSummary;
import io.berth.controlplane.hosts.SpotInterrupter;
import io.berth.controlplane.placement.PlacementAttempt;
import io.berth.controlplane.placement.PlacementReports;
import io.berth.controlplane.tasks.Task;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * The operator's host endpoints:
 * <pre>
 *   GET  /berth/hosts                       {"hosts": [HOST...]}
 *   GET  /berth/hosts/{hostId}              HOST
 *   POST /berth/hosts/{hostId}/cordon       HOST
 *   POST /berth/hosts/{hostId}/uncordon     HOST
 *   POST /berth/hosts/{hostId}/drain        {"deadlineSeconds": 300} -> HOST
 *   POST /berth/hosts/{hostId}/interrupt-spot  {hostId, interruptedTasks: [TASK ARN...]}
 *   DELETE /berth/hosts/{hostId}[?force=true]  {hostId, taskSubnet?, stoppedTasks}
 *   GET  /berth/tasks/{taskId}/placement    where a task went, or why it waits
 * </pre>
 * HOST is {hostId, address, agentPort?, agentVersion?, state, taskSubnet?, cpu: {capacity, allocated}, memory: {capacity, allocated}, runningTasks,
 * lastHeartbeat, isolationTiers, attributes, drainDeadline?, lostAt?}; times are epoch seconds.
 */
public final class HostEndpoints
{
    private final HostService hosts;
    private final PlacementReports placements;
    private final SpotInterrupter spotInterrupter;

    public HostEndpoints(HostService hosts, PlacementReports placements, SpotInterrupter spotInterrupter)
    {
        this.hosts = requireNonNull(hosts, "hosts is null");
        this.placements = requireNonNull(placements, "placements is null");
        this.spotInterrupter = requireNonNull(spotInterrupter, "spotInterrupter is null");
    }

    public List<AdminEndpoint> endpoints()
    {
        return List.of(
                new OperatorEndpoint("GET", "/berth/hosts", (path, query, body) -> {
                    ObjectNode response = JsonFields.object();
                    ArrayNode array = response.putArray("hosts");
                    hosts.list().forEach(summary -> array.add(toJson(summary)));
                    return response;
                }),
                new OperatorEndpoint("GET", "/berth/hosts/{hostId}", (path, query, body) -> toJson(hosts.find(path.get("hostId")))),
                new OperatorEndpoint("POST", "/berth/hosts/{hostId}/cordon", (path, query, body) -> toJson(hosts.cordon(path.get("hostId")))),
                new OperatorEndpoint("POST", "/berth/hosts/{hostId}/uncordon", (path, query, body) -> toJson(hosts.uncordon(path.get("hostId")))),
                new OperatorEndpoint("POST", "/berth/hosts/{hostId}/drain", (path, query, body) -> drain(path.get("hostId"), deadline(body))),
                new OperatorEndpoint("POST", "/berth/hosts/{hostId}/interrupt-spot", (path, query, body) -> interruptSpot(path.get("hostId"))),
                new OperatorEndpoint("DELETE", "/berth/hosts/{hostId}", (path, query, body) -> remove(path.get("hostId"), force(query))),
                new OperatorEndpoint("GET", "/berth/tasks/{taskId}/placement", (path, query, body) -> placement(path.get("taskId"))));
    }

    /** A drained host's spot tasks go at once, as Fargate takes spot capacity back first; on-demand tasks keep the deadline. */
    private JsonNode drain(String hostId, Duration deadline)
    {
        HostSummary draining = hosts.drain(hostId, deadline);
        if (spotInterrupter.interruptOnHost(hostId, "Its host is being drained for maintenance.").isEmpty()) {
            return toJson(draining);
        }
        return toJson(hosts.find(hostId));
    }

    private JsonNode interruptSpot(String hostId)
    {
        List<Task> interrupted;
        try {
            interrupted = spotInterrupter.interruptOnHost(hostId);
        }
        catch (HostNotFoundException e) {
            throw EcsException.resourceNotFound(e.getMessage());
        }
        ObjectNode response = JsonFields.object();
        response.put("hostId", hostId);
        ArrayNode arns = response.putArray("interruptedTasks");
        interrupted.forEach(task -> arns.add(task.arn()));
        return response;
    }

    private JsonNode remove(String hostId, boolean force)
    {
        HostRemoval removal;
        try {
            removal = hosts.remove(hostId, force);
        }
        catch (HostNotFoundException e) {
            throw EcsException.resourceNotFound(e.getMessage());
        }
        catch (HostHasTasksException e) {
            throw EcsException.clientException(e.getMessage());
        }
        ObjectNode response = JsonFields.object();
        response.put("hostId", removal.hostId());
        JsonFields.putIfNotNull(response, "taskSubnet", removal.taskSubnet());
        response.put("stoppedTasks", removal.stoppedTasks());
        return response;
    }

    private static boolean force(Map<String, String> query)
    {
        String value = query.get("force");
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.isEmpty() || value.equals("true")) {
            return true;
        }
        throw EcsException.invalidParameter("force must be true or false, got '" + value + "'.");
    }

    private static Duration deadline(JsonNode body)
    {
        JsonNode value = body.get("deadlineSeconds");
        if (value == null || value.isNull()) {
            return HostService.DEFAULT_DRAIN_DEADLINE;
        }
        if (!value.canConvertToLong() || value.asLong() < 0) {
            throw EcsException.invalidParameter("deadlineSeconds must be a whole number of seconds, 0 or more, got " + value + ".");
        }
        return Duration.ofSeconds(value.asLong());
    }

    private JsonNode placement(String taskReference)
    {
        String taskId = taskReference.substring(taskReference.lastIndexOf('/') + 1);
        PlacementReports.Report report = placements.find(taskId)
                .orElseThrow(() -> EcsException.invalidParameter("The referenced task was not found."));
        Task task = report.task();
        ObjectNode response = JsonFields.object();
        response.put("taskId", task.taskId());
        response.put("taskArn", task.arn());
        response.put("lastStatus", task.state().lastStatus().name());
        response.put("desiredStatus", task.state().desiredStatus().name());
        JsonFields.putIfNotNull(response, "hostId", task.state().hostId());
        JsonFields.putIfNotNull(response, "stoppedReason", task.state().stoppedReason());
        ArrayNode strategies = response.putArray("placementStrategy");
        task.placement().strategies().forEach(strategy -> {
            ObjectNode node = strategies.addObject().put("type", strategy.type());
            JsonFields.putIfNotNull(node, "field", strategy.field());
        });
        ArrayNode constraints = response.putArray("placementConstraints");
        task.placement().constraints().forEach(constraint -> {
            ObjectNode node = constraints.addObject().put("type", constraint.type());
            JsonFields.putIfNotNull(node, "expression", constraint.expression());
        });
        report.latestFailure().ifPresent(attempt -> response.set("latestFailure", toJson(attempt)));
        return response;
    }

    private static ObjectNode toJson(PlacementAttempt attempt)
    {
        ObjectNode node = JsonFields.object();
        JsonFields.putTime(node, "attemptedAt", attempt.attemptedAt());
        node.put("reason", attempt.reason());
        node.put("message", attempt.message());
        ArrayNode hostReasons = node.putArray("hosts");
        attempt.hostReasons().forEach((hostId, reason) -> hostReasons.addObject().put("hostId", hostId).put("reason", reason));
        return node;
    }

    static ObjectNode toJson(HostSummary summary)
    {
        Host host = summary.host();
        ObjectNode node = JsonFields.object();
        node.put("hostId", host.hostId());
        JsonFields.putIfNotNull(node, "address", host.info().address());
        // where the operator's Prometheus scrapes the agent's /metrics
        if (host.info().agentPort() > 0) {
            node.put("agentPort", host.info().agentPort());
        }
        JsonFields.putIfNotNull(node, "agentVersion", host.info().agentVersion());
        // the agent protocol version the control plane speaks to it (1: a build from before versions)
        node.put("agentProtocol", host.info().speaksAgentProtocol());
        node.put("state", host.state().name());
        JsonFields.putIfNotNull(node, "taskSubnet", host.taskSubnet());
        ObjectNode cpu = node.putObject("cpu");
        cpu.put("capacity", host.info().cpu());
        cpu.put("allocated", summary.cpuAllocated());
        ObjectNode memory = node.putObject("memory");
        memory.put("capacity", host.info().memoryMiB());
        memory.put("allocated", summary.memoryAllocated());
        node.put("runningTasks", summary.tasks());
        JsonFields.putTime(node, "lastHeartbeat", host.lastHeartbeat());
        JsonFields.putTime(node, "drainDeadline", host.drainDeadline());
        JsonFields.putTime(node, "lostAt", host.lostAt());
        // the isolation tiers the host offers, weakest first
        host.info().isolationTiers().stream().sorted().forEach(tier -> node.withArray("isolationTiers").add(tier.wireName()));
        ObjectNode attributes = node.putObject("attributes");
        new TreeMap<>(host.attributes()).forEach(attributes::put);
        return node;
    }
}
