package io.berth.controlplane.agents.http;

import io.berth.common.json.Json;
import io.berth.common.patching.AgentUpgradeRequest;
import io.berth.common.patching.PatchCommandRequest;
import io.berth.common.patching.PatchCommandStatus;
import io.berth.controlplane.agents.access.ControlPlaneIdentity;
import io.berth.controlplane.patching.PatchAgents;
import io.berth.controlplane.store.Store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Patch commands through the agents' endpoints ({@code POST|GET /v1/patches/{patchId}}, and {@code POST /v1/upgrades/{patchId}}), signed as the control plane's
 * other calls to agents ({@link AgentEndpointCalls}); a POST carries its body's SHA-256 in the signed query too. Short deadlines: the control plane's
 * maintenance makes these calls, and a host that does not answer in time is asked again at the next round.
 */
public final class HttpPatchAgents
        implements PatchAgents
{
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);

    private final AgentEndpointCalls calls;

    public HttpPatchAgents(Store store, ControlPlaneIdentity identity)
    {
        this.calls = new AgentEndpointCalls(store, identity, CONNECT_TIMEOUT);
    }

    @Override
    public PatchCommandStatus start(String hostId, String patchId, PatchCommandRequest request)
    {
        return post(hostId, path(patchId), request);
    }

    @Override
    public PatchCommandStatus upgrade(String hostId, String patchId, AgentUpgradeRequest request)
    {
        return post(hostId, "/v1/upgrades/" + URLEncoder.encode(patchId, StandardCharsets.UTF_8), request);
    }

    /** A POST whose body's SHA-256 is in the signed query. */
    private PatchCommandStatus post(String hostId, String path, Object request)
    {
        byte[] body;
        try {
            body = Json.mapper().writeValueAsBytes(request);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String query = PatchCommandRequest.BODY_DIGEST_PARAMETER + "=" + PatchCommandRequest.bodyDigest(body);
        return status(hostId, calls.send(hostId, "POST", path, query, body, REQUEST_TIMEOUT));
    }

    @Override
    public PatchCommandStatus status(String hostId, String patchId)
    {
        return status(hostId, calls.send(hostId, "GET", path(patchId), null, null, REQUEST_TIMEOUT));
    }

    private static String path(String patchId)
    {
        return "/v1/patches/" + URLEncoder.encode(patchId, StandardCharsets.UTF_8);
    }

    private static PatchCommandStatus status(String hostId, HttpResponse<byte[]> response)
    {
        if (response.statusCode() != 200) {
            throw new UncheckedIOException(new IOException("the agent of host " + hostId + " answered " + response.statusCode() + ": " + AgentEndpointCalls.text(response)));
        }
        try {
            return Json.mapper().readValue(response.body(), PatchCommandStatus.class);
        }
        catch (IOException e) {
            throw new UncheckedIOException("the agent of host " + hostId + " answered a patch status that is not valid JSON", e);
        }
    }
}
