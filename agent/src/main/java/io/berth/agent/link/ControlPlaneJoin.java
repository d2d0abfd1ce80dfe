package io.berth.agent.link;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.hostauth.HostCredential;
import io.berth.common.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/** Joins a control plane with a bootstrap token: {@code POST /berth/agent/v1/join}, answered with this host's credential. */
public final class ControlPlaneJoin
{
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private ControlPlaneJoin() {}

    /** This host's new identity, or ControlPlaneRefusedException when the token is not valid. */
    public static HostCredential join(URI controlPlane, String token)
    {
        return join(ControlPlaneEndpoints.of(controlPlane), token);
    }

    /** Joins through the first of the control planes (replicas of one cluster) that answers. */
    public static HostCredential join(ControlPlaneEndpoints controlPlanes, String token)
    {
        URI controlPlane = controlPlanes.current();
        byte[] body = new ControlPlaneHttp(controlPlanes).call("POST", "join", Map.of("token", token), null, TIMEOUT);
        try {
            JsonNode answer = Json.mapper().readTree(body);
            return new HostCredential(answer.path("hostId").asText(), answer.path("secret").asText());
        }
        catch (IOException | IllegalArgumentException e) {
            throw new UncheckedIOException(new IOException("the control plane at " + controlPlane + " answered the join with something else than a host credential"));
        }
    }
}
