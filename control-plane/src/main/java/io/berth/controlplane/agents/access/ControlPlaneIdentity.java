package io.berth.controlplane.agents.access;

import io.berth.common.hostauth.AgentCallSignature;
import io.berth.common.tls.CertificatePin;
import io.berth.common.tls.TrustedCertificates;
import io.berth.controlplane.store.ReplicaIdentityRows.ReplicaIdentity;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.tls.ClusterCertificateAuthority;

import javax.net.ssl.SSLContext;

import java.io.IOException;
import java.net.URI;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What the control plane proves itself to its agents with, and trusts them by: the key it signs its calls to agents
 * with ({@link AgentCallSigningKey}; one held in memory until the server gives the one in its data directory), and,
 * when the API serves TLS, the cluster CA that issues each agent's endpoint certificate and that those calls trust
 * alone. The server sets both before it serves.
 */
public final class ControlPlaneIdentity
{
    private final Clock clock;
    private volatile AgentCallSigningKey signingKey = AgentCallSigningKey.ephemeral();
    private volatile ClusterCertificateAuthority authority;
    private volatile SSLContext agentTls;

    public ControlPlaneIdentity(Clock clock)
    {
        this.clock = requireNonNull(clock, "clock is null");
    }

    public void useSigningKey(AgentCallSigningKey key)
    {
        this.signingKey = requireNonNull(key, "key is null");
    }

    /** From now on agents get certificates from authority, and the control plane calls them over HTTPS trusting it alone. */
    public void useCertificateAuthority(ClusterCertificateAuthority authority)
    {
        this.agentTls = TrustedCertificates.only(List.of(authority.certificate()));
        this.authority = authority;
    }

    /** The Authorization header of a call to hostId's agent. */
    public String sign(String hostId, String method, String rawPath, String rawQuery, byte[] body)
    {
        return AgentCallSignature.sign(signingKey.privateKey(), hostId, method, rawPath, rawQuery, body, clock.instant());
    }

    /** The public key agents check the control plane's calls by. */
    public String publicKeyText()
    {
        return signingKey.publicKeyText();
    }

    /** How to reach agents over TLS; empty when the control plane calls them over plain HTTP (the API serves no TLS). */
    public Optional<SSLContext> agentTls()
    {
        return Optional.ofNullable(agentTls);
    }

    /**
     * Records this replica's identity (agent-call key, CA pin) under url, after checking that every other replica seen
     * running since holds the same: replicas of one cluster share DIR/tls, or agents would trust one and refuse the
     * others. IllegalStateException naming the first that differs.
     */
    public void announce(Store store, URI url, Instant liveSince)
    {
        String caPin = authority == null ? null : CertificatePin.of(authority.certificate()).toString();
        ReplicaIdentity own = new ReplicaIdentity(url.toString(), publicKeyText(), caPin);
        store.useTransaction(transaction -> {
            for (ReplicaIdentity other : transaction.replicaIdentities().othersSeenSince(own.url(), liveSince)) {
                if (!other.agentCallKey().equals(own.agentCallKey()) || !Objects.equals(other.caPin(), own.caPin())) {
                    throw new IllegalStateException("the control plane at " + other.url() + " holds another "
                            + (other.agentCallKey().equals(own.agentCallKey()) ? "cluster CA" : "agent-call key") + " than this one: replicas of one cluster share "
                            + "DIR/tls (ca.key, ca.pem, " + AgentCallSigningKey.FILE_NAME + "); copy it from a running replica and start this one again");
                }
            }
            transaction.replicaIdentities().announce(own, clock.instant());
        });
    }

    /** A certificate (and the CA's after it) for hostId's agent endpoint at address; empty when agents serve plain HTTP. */
    public Optional<List<X509Certificate>> issueAgentCertificate(String hostId, String address, PublicKey agentKey)
            throws IOException
    {
        ClusterCertificateAuthority current = authority;
        return current == null ? Optional.empty() : Optional.of(current.issueAgentCertificate(hostId, address, agentKey));
    }
}
