package io.berth.agent.link;

import io.berth.common.agentprotocol.AgentSyncDelta;
import io.berth.common.agentprotocol.ControlPlaneLink;
import io.berth.common.agentprotocol.HostChange;
import io.berth.common.agentprotocol.LogBatch;
import io.berth.common.agentprotocol.LogBatchRefusedException;
import io.berth.common.agentprotocol.LogShippingLink;
import io.berth.common.agentprotocol.NetworkAnswer;
import io.berth.common.agentprotocol.NetworkPlan;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.SyncResponse;
import io.berth.common.hostauth.AgentCallKeys;
import io.berth.common.hostauth.HostCredential;
import io.berth.common.json.Json;
import io.berth.common.tls.PemCertificates;
import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.time.Duration;
import javax.net.ssl.SSLContext;

import static java.util.Objects.requireNonNull;

/**
 * The agent protocol over HTTP: sync is {@code POST /berth/agent/v1/sync}, awaitChange a long poll on
 * {@code GET /berth/agent/v1/changes?timeout=SECONDS}, both with the host's bearer credential. Failures are
 * UncheckedIOException (the control plane is away: retry) or ControlPlaneRefusedException (this host is not
 * accepted: retrying will not help). Container lines for CloudWatch Logs go by {@code POST /berth/agent/v1/logs}; a
 * batch the control plane refuses for good (403: not this host's task) is a LogBatchRefusedException. Each sync answer
 * names the control-plane replicas; a call whose control plane is away goes to another, and carries the key the control
 * plane signs its calls to this agent with ({@link ControlPlaneKeys}); one that asks this host to take a new secret
 * has it rotated ({@code POST /berth/agent/v1/rotate}) before the next call. Syncs are deltas on the wire
 * ({@link AgentSyncDelta}: only the reports that changed, only the parts of the answer that changed) and whole on either
 * side of it; one that fails makes the next one whole.
 */
public final class HttpControlPlaneLink
        implements ControlPlaneLink, LogShippingLink
{
    private static final Logger log = LoggerFactory.getLogger(HttpControlPlaneLink.class);
    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(60);
    /** Beyond the long poll's own timeout, time for the answer to travel. */
    private static final Duration POLL_MARGIN = Duration.ofSeconds(10);

    private final ControlPlaneHttp http;
    private final ControlPlaneKeys keys;
    private final CredentialRotation rotation;
    private final AgentSyncDelta delta = new AgentSyncDelta();
    /** The network plan the last network-only wake-up brought and what it was made for, until {@link #network} takes it. */
    private volatile PlanBrought broughtByWakeUp;
    private volatile HostCredential credential;

    /**
     * What the agent does with a new secret (keep it where a restarted agent finds it) before it uses it; an IOException
     * keeps the old one in use (still good for the rotation's grace: the next sync asks again).
     */
    @FunctionalInterface
    public interface CredentialRotation
    {
        void rotated(HostCredential next)
                throws IOException;
    }

    /** tls: whom to trust for an https:// control plane (see {@link ControlPlaneTrust}). */
    public HttpControlPlaneLink(URI controlPlane, HostCredential credential, SSLContext tls)
    {
        this(ControlPlaneEndpoints.of(controlPlane), credential, tls);
    }

    /** A link to several control planes (replicas on one store): see {@link ControlPlaneEndpoints}; tls as above. */
    public HttpControlPlaneLink(ControlPlaneEndpoints controlPlanes, HostCredential credential, SSLContext tls)
    {
        this(controlPlanes, credential, tls, null, null);
    }

    /**
     * keys: where the agent-call key each sync answer carries goes (null: nowhere); rotation: what keeps a new secret when
     * a sync answer asks this host to take one (null: the link does not rotate).
     */
    public HttpControlPlaneLink(ControlPlaneEndpoints controlPlanes, HostCredential credential, SSLContext tls, ControlPlaneKeys keys, CredentialRotation rotation)
    {
        this.http = new ControlPlaneHttp(controlPlanes, tls);
        this.credential = requireNonNull(credential, "credential is null");
        this.keys = keys;
        this.rotation = rotation;
    }

    /** The credential the link speaks with now (it changes when the host's secret rotates). */
    public HostCredential credential()
    {
        return credential;
    }

    public URI controlPlane()
    {
        return http.controlPlane();
    }

    /** One sync at a time: what the control plane acknowledged is known only once the answer is in. */
    @Override
    public synchronized SyncResponse sync(SyncRequest request)
    {
        if (!request.host().hostId().equals(credential.hostId())) {
            throw new IllegalArgumentException("this link speaks for host " + credential.hostId() + ", not " + request.host().hostId());
        }
        SyncRequest sent = delta.outgoing(request);
        ControlPlaneHttp.Answer answer;
        SyncResponse response;
        try {
            answer = http.exchange("POST", "sync", sent, credential.authorizationHeader(), SYNC_TIMEOUT);
            response = delta.incoming(request, sent, Json.mapper().readValue(answer.body(), SyncResponse.class));
        }
        catch (IOException e) {
            delta.lost();
            throw new UncheckedIOException("the control plane answered the sync with something else than the desired state: " + e.getMessage(), e);
        }
        catch (RuntimeException e) {
            delta.lost();
            throw e;
        }
        // the replicas the control plane knows: where to go when this one stops answering
        http.endpoints().learn(response.controlPlanes());
        followAgentCallKey(answer);
        if (rotation != null && answer.header(HostCredential.ROTATE_HEADER).map("true"::equalsIgnoreCase).orElse(false)) {
            rotateCredential();
        }
        return response;
    }

    private void followAgentCallKey(ControlPlaneHttp.Answer answer)
    {
        if (keys == null) {
            return;
        }
        try {
            keys.update(answer.header(AgentCallKeys.SYNC_HEADER).orElse(null), answer.header(AgentCallKeys.PREVIOUS_SYNC_HEADER).orElse(null));
        }
        catch (IOException e) {
            log.warn("cannot keep the control plane's agent-call key: {}", e.toString());
        }
    }

    /**
     * Takes a new secret from the control plane (over the channel the old one authenticates) and, once it is kept, speaks
     * with it. A failure leaves the old secret in use, good for the rotation's grace; the next sync asks again.
     */
    private void rotateCredential()
    {
        HostCredential current = credential;
        try {
            JsonNode answer = Json.mapper().readTree(http.call("POST", "rotate", null, current.authorizationHeader(), SYNC_TIMEOUT));
            HostCredential next = new HostCredential(answer.path("hostId").asText(), answer.path("secret").asText());
            if (!next.hostId().equals(current.hostId())) {
                throw new IOException("the control plane rotated the credential of host " + next.hostId() + ", not of this host " + current.hostId());
            }
            rotation.rotated(next);
            credential = next;
            log.info("host {}: credential rotated; the old secret stays good for the grace the operator gave", current.hostId());
        }
        catch (IOException | RuntimeException e) {
            log.warn("host {}: credential rotation failed, the old secret stays in use for now: {}", current.hostId(), e.toString());
        }
    }

    /**
     * A certificate of the cluster CA for this host's agent endpoint: for publicKey (base64 SubjectPublicKeyInfo, EC)
     * at address; the chain, the endpoint's certificate first.
     */
    public List<X509Certificate> requestEndpointCertificate(String publicKey, String address)
            throws IOException
    {
        byte[] answer = http.call("POST", "certificate", Map.of("publicKey", publicKey, "address", address), credential.authorizationHeader(), SYNC_TIMEOUT);
        return PemCertificates.parse(Json.mapper().readTree(answer).path("certificateChain").asText("").getBytes(StandardCharsets.US_ASCII));
    }

    /** A long poll that tells no kind of change: every wake-up is synced for (an ingress host's link polls so). */
    @Override
    public void awaitChange(String hostId, Duration timeout)
            throws InterruptedException
    {
        poll(timeout, "");
    }

    /**
     * A long poll that says when only the host's network changed (an older control plane never says so: ANY then), and
     * asks for the plan to come with such a wake-up, made for what this agent holds once it took the last plan answered
     * to it ({@link #network} then uses it rather than fetch when that is what it holds; an older control plane sends none).
     */
    @Override
    public HostChange awaitChanges(String hostId, Duration timeout)
            throws InterruptedException
    {
        String held = delta.heldNetworkQuery();
        byte[] answer = poll(timeout, "&network=1&plan=1" + (held.isEmpty() ? "" : "&" + held + "&" + AgentSyncDelta.TAKES_REST_AS_HELD));
        try {
            JsonNode changes = Json.mapper().readTree(answer);
            if (!changes.path("changed").asBoolean(true)) {
                return HostChange.NONE;
            }
            if (!changes.path("networkOnly").asBoolean(false)) {
                return HostChange.ANY;
            }
            if (changes.hasNonNull("network")) {
                // made for what this agent holds once it took the last plan answered to it (the control plane says which)
                broughtByWakeUp = new PlanBrought(changes.path("madeFor").asText(held), Json.mapper().treeToValue(changes.get("network"), NetworkAnswer.class));
            }
            return HostChange.NETWORK;
        }
        catch (IOException e) {
            // a wake-up all the same: the sync that follows finds out what changed
            return HostChange.ANY;
        }
    }

    /**
     * The host's network plan alone ({@code GET network}), naming the version held so that an unchanged plan does not
     * travel; held from now on as the last sync answer's network part. Empty when the control plane has no plan for the
     * host, or cannot be asked for it alone (a build from before the call; one that is away): a sync follows, and
     * settles either.
     */
    @Override
    public synchronized Optional<NetworkPlan> network(String hostId)
    {
        if (!hostId.equals(credential.hostId())) {
            throw new IllegalArgumentException("this link speaks for host " + credential.hostId() + ", not " + hostId);
        }
        PlanBrought brought = broughtByWakeUp;
        broughtByWakeUp = null;
        if (brought != null) {
            // taken only when made for what is held now: a sync since may have moved that on, and then a fetch follows
            Optional<NetworkPlan> plan = delta.networkBrought(brought.madeFor(), brought.answer());
            if (plan.isPresent()) {
                return plan;
            }
        }
        NetworkAnswer answer;
        try {
            answer = Json.mapper().readValue(http.call("GET", delta.networkFetchPath(), null, credential.authorizationHeader(), SYNC_TIMEOUT), NetworkAnswer.class);
        }
        catch (IOException | RuntimeException e) {
            log.debug("host {}: cannot fetch the network plan alone, syncing instead: {}", hostId, e.toString());
            return Optional.empty();
        }
        Optional<NetworkPlan> plan = delta.networkFetched(answer);
        if (plan.isEmpty() && answer.endpointChanges() != null) {
            log.debug("host {}: the network plan's endpoint changes do not apply to the list held, syncing instead", hostId);
        }
        return plan;
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

    private byte[] poll(Duration timeout, String moreQuery)
            throws InterruptedException
    {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        long seconds = Math.max(0, timeout.toSeconds());
        return http.call("GET", "changes?timeout=" + seconds + moreQuery, null, credential.authorizationHeader(), Duration.ofSeconds(seconds).plus(POLL_MARGIN));
    }

    /** Checks, without changing anything, that the control plane accepts this host's credential. */
    public void verifyCredential()
    {
        http.call("GET", "changes?timeout=0", null, credential.authorizationHeader(), POLL_MARGIN);
    }

    /** A plan a wake-up brought, and what of the network it was made for an agent to hold. */
    private record PlanBrought(String madeFor, NetworkAnswer answer)
    {
    }
}
