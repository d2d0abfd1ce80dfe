package io.berth.agent.link;

import io.berth.common.agentprotocol.ControlPlaneLink;
import io.berth.common.agentprotocol.LogBatch;
import io.berth.common.agentprotocol.LogBatchRefusedException;
import io.berth.common.agentprotocol.LogShippingLink;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.SyncResponse;
import io.berth.common.hostauth.HostCredential;
import io.berth.common.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import javax.net.ssl.SSLContext;

import static java.util.Objects.requireNonNull;

/**
 * The agent protocol over HTTP: sync is {@code POST /berth/agent/v1/sync}, awaitChange a long poll on
 * {@code GET /berth/agent/v1/changes?timeout=SECONDS}, both with the host's bearer credential. Failures are
 * UncheckedIOException (the control plane is away: retry) or ControlPlaneRefusedException (this host is not
 * accepted: retrying will not help). Container lines for CloudWatch Logs go by {@code POST /berth/agent/v1/logs}; a
 * batch the control plane refuses for good (403: not this host's task) is a LogBatchRefusedException. Each sync answer
 * names the control-plane replicas; a call whose control plane is away goes to another.
 */
public final class HttpControlPlaneLink
        implements ControlPlaneLink, LogShippingLink
{
    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(60);
    /** Beyond the long poll's own timeout, time for the answer to travel. */
    private static final Duration POLL_MARGIN = Duration.ofSeconds(10);

    private final ControlPlaneHttp http;
    private final HostCredential credential;

    /** tls: whom to trust for an https:// control plane (see {@link ControlPlaneTrust}). */
    public HttpControlPlaneLink(URI controlPlane, HostCredential credential, SSLContext tls)
    {
        this(ControlPlaneEndpoints.of(controlPlane), credential, tls);
    }

    /** A link to several control planes (replicas on one store): see {@link ControlPlaneEndpoints}; tls as above. */
    public HttpControlPlaneLink(ControlPlaneEndpoints controlPlanes, HostCredential credential, SSLContext tls)
    {
        this.http = new ControlPlaneHttp(controlPlanes, tls);
        this.credential = requireNonNull(credential, "credential is null");
    }

    public URI controlPlane()
    {
        return http.controlPlane();
    }

    @Override
    public SyncResponse sync(SyncRequest request)
    {
        if (!request.host().hostId().equals(credential.hostId())) {
            throw new IllegalArgumentException("this link speaks for host " + credential.hostId() + ", not " + request.host().hostId());
        }
        byte[] body = http.call("POST", "sync", request, credential.authorizationHeader(), SYNC_TIMEOUT);
        try {
            SyncResponse response = Json.mapper().readValue(body, SyncResponse.class);
            // the replicas the control plane knows: where to go when this one stops answering
            http.endpoints().learn(response.controlPlanes());
            return response;
        }
        catch (IOException e) {
            throw new UncheckedIOException("the control plane answered the sync with something else than the desired state: " + e.getMessage(), e);
        }
    }

    @Override
    public void awaitChange(String hostId, Duration timeout)
            throws InterruptedException
    {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        long seconds = Math.max(0, timeout.toSeconds());
        http.call("GET", "changes?timeout=" + seconds, null, credential.authorizationHeader(), Duration.ofSeconds(seconds).plus(POLL_MARGIN));
    }

    @Override
    public void shipLogs(LogBatch batch)
    {
        if (!batch.hostId().equals(credential.hostId())) {
            throw new IllegalArgumentException("this link speaks for host " + credential.hostId() + ", not " + batch.hostId());
        }
        try {
            http.call("POST", "logs", batch, credential.authorizationHeader(), SYNC_TIMEOUT);
        }
        catch (ControlPlaneRefusedException e) {
            if (e.status() == 403) {
                throw new LogBatchRefusedException(e.getMessage());
            }
            throw e;
        }
    }

    /** Checks, without changing anything, that the control plane accepts this host's credential. */
    public void verifyCredential()
    {
        http.call("GET", "changes?timeout=0", null, credential.authorizationHeader(), POLL_MARGIN);
    }
}
