package io.berth.controlplane.agents.access;

import io.berth.common.hostauth.AgentCallSignature;
import io.berth.common.hostauth.PreviousAgentCallKey;
import io.berth.common.tls.CertificatePin;
import io.berth.common.tls.TrustedCertificates;
import io.berth.controlplane.store.ReplicaIdentityRows.ReplicaIdentity;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.tls.ClusterCertificateAuthority;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
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
 * <p>
 * The agent-call key can be rotated ({@link #rotate}): the replica asked writes the new key to DIR/tls with the old
 * one's public part and the end of its grace ({@link AgentCallKeyRing}); agents learn both in each sync answer and take
 * calls signed by either until then. Other replicas sharing DIR/tls read it again each second
 * ({@link #followKeyDirectory}); one whose DIR/tls is a copy goes on signing with the old key, which works for the grace
 * only, and says so in its log each time it looks.
 */
public final class ControlPlaneIdentity
{
    private static final Logger log = LoggerFactory.getLogger(ControlPlaneIdentity.class);

    private final Clock clock;
    private volatile AgentCallKeyRing keys = new AgentCallKeyRing(AgentCallSigningKey.ephemeral(), null);
    // DIR/tls when the keys live there; null for keys held in memory only (tests)
    private volatile Path keyDirectory;
    // where this replica announced its identity, to announce it again when its key changes
    private volatile Store announcedTo;
    private volatile URI announcedUrl;
    private volatile ClusterCertificateAuthority authority;
    private volatile SSLContext agentTls;

    public ControlPlaneIdentity(Clock clock)
    {
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Signs with key, held in memory only. */
    public void useSigningKey(AgentCallSigningKey key)
    {
        this.keys = new AgentCallKeyRing(requireNonNull(key, "key is null"), null);
        this.keyDirectory = null;
    }

    /** Signs with the key in directory (DIR/tls), made the first time, and follows what directory holds from now on. */
    public void useKeyDirectory(Path directory)
            throws IOException
    {
        this.keys = AgentCallKeyRing.loadOrCreate(directory);
        this.keyDirectory = directory;
    }

    /**
     * Signs with a new key from now on; agents take calls signed by the current one for grace more. The new key is
     * written to DIR/tls (when the keys live there) before it is used, and this replica's identity is announced again.
     * Returns the new ring.
     */
    public synchronized AgentCallKeyRing rotate(Duration grace)
            throws IOException
    {
        AgentCallKeyRing next = keys.rotated(grace, clock.instant());
        Path directory = keyDirectory;
        if (directory != null) {
            next.writeTo(directory);
        }
        keys = next;
        log.info("agent-call key rotated: now signing with {}; agents take calls signed by {} until {}", next.current().publicKeyText(), next.previous().key(), next.previous().validUntil());
        announceAgain();
        return next;
    }

    /**
     * Reads DIR/tls again and signs with what it holds now, when another replica sharing it rotated the key; then
     * checks that the replicas running now sign with this replica's key (or the one it replaced, within its grace),
     * logging the ones that do not. The server calls it about every second.
     */
    public synchronized void followKeyDirectory()
    {
        Path directory = keyDirectory;
        if (directory == null) {
            return;
        }
        AgentCallKeyRing onDisk;
        try {
            onDisk = AgentCallKeyRing.load(directory);
        }
        catch (IOException e) {
            log.warn("cannot read the agent-call keys in {}, still signing with {}: {}", directory, keys.current().publicKeyText(), e.getMessage());
            return;
        }
        if (!onDisk.sameKeysAs(keys)) {
            keys = onDisk;
            log.info("agent-call key read again from {}: now signing with {}", directory, onDisk.current().publicKeyText());
            announceAgain();
        }
    }

    private void announceAgain()
    {
        Store store = announcedTo;
        URI url = announcedUrl;
        if (store == null) {
            return;
        }
        try {
            store.useTransaction(transaction -> transaction.replicaIdentities().announce(ownIdentity(url), clock.instant()));
        }
        catch (RuntimeException e) {
            log.warn("could not announce this replica's new agent-call key: {}", e.toString());
        }
    }

    /** The key rotated away from, while agents still take calls signed by it. */
    public Optional<PreviousAgentCallKey> previousKey()
    {
        return keys.previousAt(clock.instant());
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
        return AgentCallSignature.sign(keys.current().privateKey(), hostId, method, rawPath, rawQuery, body, clock.instant());
    }

    /** The public key agents check the control plane's calls by. */
    public String publicKeyText()
    {
        return keys.current().publicKeyText();
    }

    /** How to reach agents over TLS; empty when the control plane calls them over plain HTTP (the API serves no TLS). */
    public Optional<SSLContext> agentTls()
    {
        return Optional.ofNullable(agentTls);
    }

    /**
     * Records this replica's identity (agent-call key, CA pin) under url, after checking that every other replica seen
     * running since holds the same: replicas of one cluster share DIR/tls, or agents would trust one and refuse the
     * others. A replica still signing with the key this one rotated away from is let be while agents take it. Then
     * announces it again whenever the key changes. IllegalStateException naming the first that differs.
     */
    public void announce(Store store, URI url, Instant liveSince)
    {
        ReplicaIdentity own = ownIdentity(url);
        Optional<String> previous = previousKey().map(PreviousAgentCallKey::key);
        store.useTransaction(transaction -> {
            for (ReplicaIdentity other : transaction.replicaIdentities().othersSeenSince(own.url(), liveSince)) {
                boolean sameKey = other.agentCallKey().equals(own.agentCallKey()) || previous.filter(other.agentCallKey()::equals).isPresent();
                if (!sameKey || !Objects.equals(other.caPin(), own.caPin())) {
                    throw new IllegalStateException("the control plane at " + other.url() + " holds another "
                            + (sameKey ? "cluster CA" : "agent-call key") + " than this one: replicas of one cluster share "
                            + "DIR/tls (ca.key, ca.pem, " + AgentCallSigningKey.FILE_NAME + ", " + AgentCallKeyRing.PREVIOUS_FILE_NAME + "); copy it from a running replica and start this one again");
                }
            }
            transaction.replicaIdentities().announce(own, clock.instant());
        });
        this.announcedUrl = url;
        this.announcedTo = store;
    }

    private ReplicaIdentity ownIdentity(URI url)
    {
        String caPin = authority == null ? null : CertificatePin.of(authority.certificate()).toString();
        return new ReplicaIdentity(url.toString(), publicKeyText(), caPin);
    }

    /** A certificate (and the CA's after it) for hostId's agent endpoint at address; empty when agents serve plain HTTP. */
    public Optional<List<X509Certificate>> issueAgentCertificate(String hostId, String address, PublicKey agentKey)
            throws IOException
    {
        ClusterCertificateAuthority current = authority;
        return current == null ? Optional.empty() : Optional.of(current.issueAgentCertificate(hostId, address, agentKey));
    }
}
