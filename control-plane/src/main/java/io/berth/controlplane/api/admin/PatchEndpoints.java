package io.berth.controlplane.api.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.controlplane.api.AdminEndpoint;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.actions.JsonFields;
import io.berth.controlplane.hosts.HostService;
import io.berth.controlplane.patching.AgentUpgradeTarget;
import io.berth.controlplane.patching.PatchHost;
import io.berth.controlplane.patching.PatchRequest;
import io.berth.controlplane.patching.PatchRun;
import io.berth.controlplane.patching.PatchService;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The operator's rolling patches (`berth host patch`); tenants are refused, and the command only ever comes from here:
 * <pre>
 *   POST /berth/patches    {hosts: [HOST...] | all: true, command, maxUnavailable?: 1, reboot?: false, timeoutSeconds?: 600,
 *                           drainDeadlineSeconds?: 300} -> RUN
 *   POST /berth/upgrades   {hosts: [HOST...] | all: true, build, sha256, maxUnavailable?: 1, timeoutSeconds?: 300} -> RUN
 *                          (the agents upgrade themselves in place to the build, one run as a patch's, with no drain)
 *   GET  /berth/patches[?limit=N]   {"runs": [RUN...]}, newest first
 *   GET  /berth/patches/{runId}     RUN
 * </pre>
 * RUN is {runId, status, command, maxUnavailable, reboot, timeoutSeconds, drainDeadlineSeconds, createdAt, finishedAt?,
 * failure?, waiting?, upgrade?: {build, sha256}, hosts: [{hostId, step, stepStartedAt?, exitCode?, output?, message?}]}; times are epoch seconds.
 */
public final class PatchEndpoints
{
    private static final Set<String> FIELDS = Set.of("hosts", "all", "command", "maxUnavailable", "reboot", "timeoutSeconds", "drainDeadlineSeconds");
    private static final Set<String> UPGRADE_FIELDS = Set.of("hosts", "all", "build", "sha256", "maxUnavailable", "timeoutSeconds");
    /** How long each host's upgrade may take by default: fetch, check, a JVM start to probe, the handover and the first sync. */
    static final Duration DEFAULT_UPGRADE_TIMEOUT = Duration.ofMinutes(5);
    private static final int DEFAULT_LISTED_RUNS = 10;

    private final PatchService patches;

    public PatchEndpoints(PatchService patches)
    {
        this.patches = requireNonNull(patches, "patches is null");
    }

    public List<AdminEndpoint> endpoints()
    {
        return List.of(
                new OperatorEndpoint("POST", "/berth/patches", (path, query, body) -> toJson(patches.start(request(body)))),
                new OperatorEndpoint("POST", "/berth/upgrades", (path, query, body) -> toJson(patches.start(upgradeRequest(body)))),
                new OperatorEndpoint("GET", "/berth/patches", (path, query, body) -> list(query)),
                new OperatorEndpoint("GET", "/berth/patches/{runId}", (path, query, body) -> toJson(patches.find(path.get("runId"))
                        .orElseThrow(() -> EcsException.resourceNotFound("No patch run " + path.get("runId") + "; `berth host patch --status` shows the latest.")))));
    }

    private static PatchRequest request(JsonNode body)
    {
        JsonFields.refuseUnsupported(body, FIELDS, "The patch request's");
        String command = JsonFields.optionalString(body, "command");
        if (command == null) {
            throw EcsException.invalidParameter("command is required: the command to run on each host.");
        }
        List<String> hosts = JsonFields.optionalStrings(body, "hosts");
        Boolean all = JsonFields.optionalBoolean(body, "all");
        Integer maxUnavailable = JsonFields.optionalInteger(body, "maxUnavailable");
        Boolean reboot = JsonFields.optionalBoolean(body, "reboot");
        return new PatchRequest(hosts == null ? List.of() : hosts, all != null && all, command, maxUnavailable == null ? 1 : maxUnavailable,
                reboot != null && reboot, seconds(body, "timeoutSeconds", PatchRequest.DEFAULT_COMMAND_TIMEOUT),
                seconds(body, "drainDeadlineSeconds", HostService.DEFAULT_DRAIN_DEADLINE));
    }

    private static PatchRequest upgradeRequest(JsonNode body)
    {
        JsonFields.refuseUnsupported(body, UPGRADE_FIELDS, "The upgrade request's");
        String build = JsonFields.optionalString(body, "build");
        String sha256 = JsonFields.optionalString(body, "sha256");
        if (build == null || sha256 == null) {
            throw EcsException.invalidParameter("build and sha256 are required: where each host fetches the new Berth build (an http(s) URL or a path on the host) "
                    + "and its SHA-256.");
        }
        AgentUpgradeTarget target;
        try {
            target = new AgentUpgradeTarget(build, sha256);
        }
        catch (IllegalArgumentException e) {
            throw EcsException.invalidParameter(e.getMessage() + ".");
        }
        List<String> hosts = JsonFields.optionalStrings(body, "hosts");
        Boolean all = JsonFields.optionalBoolean(body, "all");
        Integer maxUnavailable = JsonFields.optionalInteger(body, "maxUnavailable");
        return PatchRequest.upgrade(hosts == null ? List.of() : hosts, all != null && all, target, maxUnavailable == null ? 1 : maxUnavailable,
                seconds(body, "timeoutSeconds", DEFAULT_UPGRADE_TIMEOUT));
    }

    private static Duration seconds(JsonNode body, String field, Duration fallback)
    {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw EcsException.invalidParameter(field + " must be a whole number of seconds, got " + value + ".");
        }
        return Duration.ofSeconds(value.asLong());
    }

    private JsonNode list(Map<String, String> query)
    {
        int limit = DEFAULT_LISTED_RUNS;
        String given = query.get("limit");
        if (given != null) {
            try {
                limit = Integer.parseInt(given);
            }
            catch (NumberFormatException e) {
                limit = 0;
            }
            if (limit < 1 || limit > PatchService.MAX_LISTED_RUNS) {
                throw EcsException.invalidParameter("limit must be 1 to " + PatchService.MAX_LISTED_RUNS + ", got '" + given + "'.");
            }
        }
        ObjectNode response = JsonFields.object();
        ArrayNode runs = response.putArray("runs");
        patches.latest(limit).forEach(run -> runs.add(toJson(run)));
        return response;
    }

    static ObjectNode toJson(PatchRun run)
    {
        ObjectNode node = JsonFields.object();
        node.put("runId", run.runId());
        node.put("status", run.status().name());
        node.put("command", run.command());
        node.put("maxUnavailable", run.maxUnavailable());
        node.put("reboot", run.reboot());
        node.put("timeoutSeconds", run.commandTimeout().toSeconds());
        node.put("drainDeadlineSeconds", run.drainDeadline().toSeconds());
        JsonFields.putTime(node, "createdAt", run.createdAt());
        JsonFields.putTime(node, "finishedAt", run.finishedAt());
        JsonFields.putIfNotNull(node, "failure", run.failure());
        JsonFields.putIfNotNull(node, "waiting", run.waiting());
        if (run.upgradesAgents()) {
            node.putObject("upgrade").put("build", run.upgrade().build()).put("sha256", run.upgrade().sha256());
        }
        ArrayNode hosts = node.putArray("hosts");
        for (PatchHost host : run.hosts()) {
            ObjectNode entry = hosts.addObject();
            entry.put("hostId", host.hostId());
            entry.put("step", host.step().name());
            JsonFields.putTime(entry, "stepStartedAt", host.stepStartedAt());
            JsonFields.putIfNotNull(entry, "exitCode", host.exitCode());
            JsonFields.putIfNotNull(entry, "output", host.output());
            JsonFields.putIfNotNull(entry, "message", host.message());
        }
        return node;
    }
}
