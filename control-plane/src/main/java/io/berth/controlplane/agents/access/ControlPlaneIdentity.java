package io.berth.controlplane.agents.access;

import io.berth.common.hostauth.AgentCallSignature;
import io.berth.common.tls.TrustedCertificates;
import io.berth.controlplane.tls.ClusterCertificateAuthority;

import javax.net.ssl.SSLContext;

import java.io.IOException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
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

    /** A certificate (and the CA's after it) for hostId's agent endpoint at address; empty when agents serve plain HTTP. */
    public Optional<List<X509Certificate>> issueAgentCertificate(String hostId, String address, PublicKey agentKey)
            throws IOException
    {
        ClusterCertificateAuthority current = authority;
        return current == null ? Optional.empty() : Optional.of(current.issueAgentCertificate(hostId, address, agentKey));
    }
}
