package io.berth.controlplane.api.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.controlplane.agents.HostSignals;
import io.berth.controlplane.agents.access.HostAccess;
import io.berth.controlplane.agents.access.HostAccessDeniedException;
import io.berth.controlplane.api.AdminEndpoint;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.api.actions.JsonFields;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * POST /berth/hosts/credentials/rotate {"hostIds": [HOST...]} or {"all": true}, with "graceSeconds" (default
 * {@link HostAccess#DEFAULT_ROTATION_GRACE}) -> {"hostIds": [HOST...], "graceSeconds"}: each host's agent takes a new
 * secret at its next sync (woken at once); its old secret stays good for the grace, then is refused. Its tasks are not
 * touched. Operator only (`berth host rotate`).
 */
public final class RotateHostCredentialsEndpoint
        implements AdminEndpoint
{
    private static final Duration MAX_GRACE = Duration.ofDays(7);

    private final HostAccess access;
    private final HostSignals signals;

    public RotateHostCredentialsEndpoint(HostAccess access, HostSignals signals)
    {
        this.access = requireNonNull(access, "access is null");
        this.signals = requireNonNull(signals, "signals is null");
    }

    @Override
    public String method()
    {
        return "POST";
    }

    @Override
    public String pathPattern()
    {
        return "/berth/hosts/credentials/rotate";
    }

    @Override
    public JsonNode handle(RequestContext context, Map<String, String> pathParameters, Map<String, String> query, JsonNode body)
    {
        if (!context.account().operator()) {
            throw EcsException.accessDenied("Only the operator account can rotate host credentials; sign the request with the operator's access key.");
        }
        JsonNode request = body == null ? JsonFields.object() : body;
        for (var names = request.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!List.of("hostIds", "all", "graceSeconds").contains(name)) {
                throw EcsException.invalidParameter("Unknown field " + name + ": a rotation takes hostIds or all, and graceSeconds");
            }
        }
        boolean all = request.path("all").asBoolean(false);
        List<String> hostIds = new ArrayList<>();
        request.path("hostIds").forEach(hostId -> hostIds.add(hostId.asText()));
        if (all == !hostIds.isEmpty()) {
            throw EcsException.invalidParameter("Name the hosts to rotate (hostIds) or ask for all of them (all: true), not both or neither");
        }
        Duration grace = HostAccess.DEFAULT_ROTATION_GRACE;
        if (request.has("graceSeconds")) {
            JsonNode seconds = request.get("graceSeconds");
            if (!seconds.canConvertToLong() || seconds.asLong() < 0 || Duration.ofSeconds(seconds.asLong()).compareTo(MAX_GRACE) > 0) {
                throw EcsException.invalidParameter("graceSeconds must be a whole number of seconds from 0 to " + MAX_GRACE.toSeconds() + ", got " + seconds);
            }
            grace = Duration.ofSeconds(seconds.asLong());
        }
        List<String> asked;
        try {
            asked = access.requestRotation(hostIds, grace);
        }
        catch (HostAccessDeniedException e) {
            throw EcsException.invalidParameter(e.getMessage());
        }
        // the agents sync at once rather than at their next heartbeat
        asked.forEach(signals::signal);
        ObjectNode response = JsonFields.object();
        asked.forEach(response.putArray("hostIds")::add);
        response.put("graceSeconds", grace.toSeconds());
        return response;
    }
}
