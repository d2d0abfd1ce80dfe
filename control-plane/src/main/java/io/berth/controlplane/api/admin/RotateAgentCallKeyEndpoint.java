package io.berth.controlplane.api.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.controlplane.agents.access.AgentCallKeyRing;
import io.berth.controlplane.agents.access.ControlPlaneIdentity;
import io.berth.controlplane.api.AdminEndpoint;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.api.actions.JsonFields;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * POST /berth/control-plane/agent-call-key/rotate {"graceSeconds"} (default {@link #DEFAULT_GRACE}) ->
 * {"agentCallKey", "previousAgentCallKey", "previousValidUntil"}: the control plane signs its calls to agents with a new
 * key from now on (written to DIR/tls, where replicas sharing it read it within a second); every agent is woken to sync
 * and learn it, and takes calls signed by the old key for the grace, then refuses them. Operator only
 * (`berth host rotate-call-key`).
 */
public final class RotateAgentCallKeyEndpoint
        implements AdminEndpoint
{
    public static final Duration DEFAULT_GRACE = Duration.ofMinutes(10);
    private static final Duration MAX_GRACE = Duration.ofDays(7);

    private final ControlPlaneIdentity identity;
    private final Runnable wakeEveryAgent;

    public RotateAgentCallKeyEndpoint(ControlPlaneIdentity identity, Runnable wakeEveryAgent)
    {
        this.identity = requireNonNull(identity, "identity is null");
        this.wakeEveryAgent = requireNonNull(wakeEveryAgent, "wakeEveryAgent is null");
    }

    @Override
    public String method()
    {
        return "POST";
    }

    @Override
    public String pathPattern()
    {
        return "/berth/control-plane/agent-call-key/rotate";
    }

    @Override
    public JsonNode handle(RequestContext context, Map<String, String> pathParameters, Map<String, String> query, JsonNode body)
    {
        if (!context.account().operator()) {
            throw EcsException.accessDenied("Only the operator account can rotate the control plane's agent-call key; sign the request with the operator's access key.");
        }
        JsonNode request = body == null ? JsonFields.object() : body;
        for (var names = request.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!List.of("graceSeconds").contains(name)) {
                throw EcsException.invalidParameter("Unknown field " + name + ": a rotation of the agent-call key takes graceSeconds only");
            }
        }
        Duration grace = DEFAULT_GRACE;
        if (request.has("graceSeconds")) {
            JsonNode seconds = request.get("graceSeconds");
            if (!seconds.canConvertToLong() || seconds.asLong() < 0 || Duration.ofSeconds(seconds.asLong()).compareTo(MAX_GRACE) > 0) {
                throw EcsException.invalidParameter("graceSeconds must be a whole number of seconds from 0 to " + MAX_GRACE.toSeconds() + ", got " + seconds);
            }
            grace = Duration.ofSeconds(seconds.asLong());
        }
        AgentCallKeyRing rotated;
        try {
            rotated = identity.rotate(grace);
        }
        catch (IOException e) {
            throw new EcsException("ServerException", "The new agent-call key could not be written to the control plane's data directory; the old one stays in use: " + e.getMessage());
        }
        // the agents sync at once, learning the new key, rather than at their next heartbeat
        wakeEveryAgent.run();
        ObjectNode response = JsonFields.object();
        response.put("agentCallKey", rotated.current().publicKeyText());
        response.put("previousAgentCallKey", rotated.previous().key());
        response.put("previousValidUntil", rotated.previous().validUntil().getEpochSecond());
        return response;
    }
}
