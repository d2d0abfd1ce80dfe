package io.berth.controlplane.agents.access;

import io.berth.common.hostauth.HostCredential;
import io.berth.common.hostauth.HostSecrets;
import io.berth.common.hostauth.JoinTokenText;
import io.berth.common.tls.CertificatePin;
import io.berth.controlplane.store.HostCredentialRows.StoredCredential;
import io.berth.controlplane.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.Objects.requireNonNull;

/**
 * Issues join tokens and host credentials and checks them. A join token is a bootstrap secret, reusable by
 * many hosts until it expires; each join mints a new host id and a secret for that host alone, so a token that
 * leaks later does not let anyone speak for an existing host.
 */
public final class HostAccess
{
    private static final Logger log = LoggerFactory.getLogger(HostAccess.class);
    /** How long the secret a host rotated away from stays good when the operator gave no grace. */
    public static final Duration DEFAULT_ROTATION_GRACE = Duration.ofMinutes(10);

    private final Store store;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final KeptCredentials kept;
    // set when the control plane shares a store with other replicas: they forget a credential changed here
    private volatile CredentialChanges changes = CredentialChanges.NONE;
    private final AtomicLong credentialReads = new AtomicLong();
    // set once the API serves TLS: join tokens then carry the pin agents check the control plane by
    private volatile CertificatePin joinTokenPin;

    /** Where a change of a host's credential made here is told, so that every replica forgets what it kept of it. */
    @FunctionalInterface
    public interface CredentialChanges
    {
        CredentialChanges NONE = hostId -> {};

        void changed(String hostId);
    }

    public HostAccess(Store store, Clock clock)
    {
        this(store, clock, new KeptCredentials());
    }

    HostAccess(Store store, Clock clock, KeptCredentials kept)
    {
        this.store = requireNonNull(store, "store is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.kept = requireNonNull(kept, "kept is null");
    }

    /** From now on, a host credential changed here is told to changes (the other replicas). */
    public void publishCredentialChangesTo(CredentialChanges value)
    {
        this.changes = requireNonNull(value, "value is null");
    }

    /**
     * The host's credential changed (issued, rotated, a rotation asked, revoked) in a transaction that has committed:
     * forgets what this replica kept of it and tells the other replicas.
     */
    public void credentialChanged(String hostId)
    {
        kept.forget(hostId);
        changes.changed(hostId);
    }

    /** Another replica changed the host's credential: forgets what this replica kept of it. */
    public void credentialChangedElsewhere(String hostId)
    {
        kept.forget(hostId);
    }

    /** Changes made elsewhere may have gone untold (the notices were lost): forgets every credential kept. */
    public void credentialsMayHaveChangedElsewhere()
    {
        kept.forgetAll();
    }

    /** How many times a credential was read from the store to authenticate a call: for tests. */
    long credentialReads()
    {
        return credentialReads.get();
    }

    /**
     * Join tokens issued from now on carry pin (the CA the API's certificate chains to), so that an agent checks the
     * control plane it reaches before it sends the token. The server calls it before it serves.
     */
    public void pinJoinTokens(CertificatePin pin)
    {
        this.joinTokenPin = requireNonNull(pin, "pin is null");
    }

    /** A new join token; validFor empty means it never expires. */
    public IssuedJoinToken issueJoinToken(Optional<Duration> validFor)
    {
        Instant now = clock.instant();
        Instant expiresAt = validFor.map(now::plus).orElse(null);
        String tokenId = "jt" + randomHex(8);
        String secret = HostSecrets.newSecret(random);
        store.useTransaction(transaction -> transaction.joinTokens().insert(new JoinToken(tokenId, HostSecrets.hash(secret), now, expiresAt)));
        log.info("join token {} issued{}", tokenId, expiresAt == null ? "" : ", expires " + expiresAt);
        return new IssuedJoinToken(JoinTokenText.of(tokenId + "." + secret, Optional.ofNullable(joinTokenPin)).toString(), expiresAt);
    }

    /**
     * Revokes a join token, given whole or by its id (what `berth host token` printed, or the part before the first
     * dot): hosts can no longer join with it; hosts that joined with it keep their own credentials. Returns the
     * token's id, or empty when there is no such token or it was already revoked.
     */
    public Optional<String> revokeJoinToken(String tokenOrId)
    {
        String credential;
        try {
            credential = JoinTokenText.parse(requireNonNull(tokenOrId, "tokenOrId is null")).credential();
        }
        catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int dot = credential.indexOf('.');
        String tokenId = dot < 0 ? credential : credential.substring(0, dot);
        Instant now = clock.instant();
        boolean revoked = store.inTransaction(transaction -> transaction.joinTokens().revoke(tokenId, now));
        if (revoked) {
            log.info("join token {} revoked", tokenId);
        }
        return revoked ? Optional.of(tokenId) : Optional.empty();
    }

    /** A new host id and its credential, for a host presenting a valid join token. */
    public HostCredential join(String token)
    {
        String tokenId = verifyJoinToken(token);
        HostCredential credential = new HostCredential("host-" + randomHex(6), HostSecrets.newSecret(random));
        store.useTransaction(transaction -> transaction.hostCredentials().put(credential.hostId(), HostSecrets.hash(credential.secret()), tokenId, clock.instant()));
        credentialChanged(credential.hostId());
        log.info("host {} joined with token {}", credential.hostId(), tokenId);
        return credential;
    }

    /**
     * A credential for a host the operator runs itself (the agent of `berth up`), without a join token. Replaces
     * the host's earlier credential.
     */
    public HostCredential issueCredential(String hostId)
    {
        HostCredential credential = new HostCredential(hostId, HostSecrets.newSecret(random));
        store.useTransaction(transaction -> transaction.hostCredentials().put(hostId, HostSecrets.hash(credential.secret()), null, clock.instant()));
        credentialChanged(hostId);
        return credential;
    }

    /** The host id a request's Authorization header proves, or HostAccessDeniedException. */
    public String authenticate(String authorizationHeader)
    {
        return authenticateHost(authorizationHeader).hostId();
    }

    /**
     * The host a request's Authorization header proves, and whether it is to take a new secret (the operator asked
     * for a rotation, or it still uses the secret it rotated away from); HostAccessDeniedException when it proves none.
     */
    public AuthenticatedHost authenticateHost(String authorizationHeader)
    {
        return authenticateHost(authorizationHeader, true);
    }

    /** As {@link #authenticateHost(String)}; mayUseKept false decides on the store's credential alone. */
    private AuthenticatedHost authenticateHost(String authorizationHeader, boolean mayUseKept)
    {
        HostCredential credential = HostCredential.fromAuthorizationHeader(authorizationHeader)
                .orElseThrow(() -> new HostAccessDeniedException(
                        "no host credential: an agent joins with `berth agent --join URL --token TOKEN` (get a token with `berth host token`)", true));
        Instant now = clock.instant();
        // only an acceptance comes from what was kept: anything else is decided on the store's credential
        Optional<AuthenticatedHost> fromKept = mayUseKept
                ? kept.fresh(credential.hostId()).flatMap(stored -> accepted(credential, stored, now))
                : Optional.empty();
        if (fromKept.isPresent()) {
            return fromKept.get();
        }
        long generation = kept.generation();
        credentialReads.incrementAndGet();
        Optional<StoredCredential> valid = store.inTransaction(transaction -> transaction.hostCredentials().find(credential.hostId()));
        if (valid.isEmpty()) {
            Optional<Instant> revoked = store.inTransaction(transaction -> transaction.hostCredentials().revokedAt(credential.hostId()));
            if (revoked.isPresent()) {
                throw new HostAccessDeniedException("the credential of host " + credential.hostId() + " was revoked at " + revoked.get()
                        + " (`berth host rm`): this host is no longer part of the cluster; to join again, remove the agent's credential file and join with a new token from `berth host token`", true);
            }
        }
        StoredCredential stored = valid
                .orElseThrow(() -> new HostAccessDeniedException("host " + credential.hostId() + " is not known to this control plane: "
                        + "remove the agent's credential file and join again with a new token from `berth host token`", true));
        Optional<AuthenticatedHost> accepted = accepted(credential, stored, now);
        if (accepted.isPresent()) {
            kept.keep(credential.hostId(), stored, generation);
            return accepted.get();
        }
        if (stored.previousSecretHash() != null && HostSecrets.matches(credential.secret(), stored.previousSecretHash())) {
            throw new HostAccessDeniedException("the credential of host " + credential.hostId() + " was replaced at " + stored.rotatedAt()
                    + " (`berth host rotate`) and its grace period ended at " + stored.previousValidUntil()
                    + ": the agent keeps its new secret in its credential file; if that is lost, remove the file and join again with a new token from `berth host token`", true);
        }
        throw new HostAccessDeniedException("the credential of host " + credential.hostId() + " is not valid: "
                + "remove the agent's credential file and join again with a new token from `berth host token`", true);
    }

    /** The host, when credential's secret is the stored one, or the one it rotated away from while that is in its grace. */
    private static Optional<AuthenticatedHost> accepted(HostCredential credential, StoredCredential stored, Instant now)
    {
        if (HostSecrets.matches(credential.secret(), stored.secretHash())) {
            return Optional.of(new AuthenticatedHost(credential.hostId(), HostSecrets.hash(credential.secret()), stored.rotationRequestedAt() != null));
        }
        if (stored.previousSecretHash() != null && HostSecrets.matches(credential.secret(), stored.previousSecretHash())
                && now.isBefore(stored.previousValidUntil())) {
            return Optional.of(new AuthenticatedHost(credential.hostId(), stored.previousSecretHash(), true));
        }
        return Optional.empty();
    }

    /** A host an agent call proved; secretHash is the hash of the secret it proved it with. */
    public record AuthenticatedHost(String hostId, String secretHash, boolean rotationDue)
    {
        public AuthenticatedHost
        {
            requireNonNull(hostId, "hostId is null");
            requireNonNull(secretHash, "secretHash is null");
        }
    }

    /**
     * Asks the host's agent to take a new secret at its next sync (`berth host rotate`); the secret it has now stays good
     * for grace after it took the new one, then is refused. False when the host has no valid credential.
     */
    public boolean requestRotation(String hostId, Duration grace)
    {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("the grace period cannot be negative, got " + grace);
        }
        boolean requested = store.inTransaction(transaction -> transaction.hostCredentials().requestRotation(hostId, grace, clock.instant()));
        if (requested) {
            credentialChanged(hostId);
            log.info("host {}: credential rotation requested; the old secret stays good for {} after the agent takes the new one", hostId, grace);
        }
        return requested;
    }

    /**
     * Asks each host (every host with a valid credential when hostIds is empty) to take a new secret, as
     * {@link #requestRotation}; none is asked when one of them has no valid credential (HostAccessDeniedException
     * naming it, unauthenticated false). Returns the hosts asked.
     */
    public List<String> requestRotation(List<String> hostIds, Duration grace)
    {
        List<String> hosts = hostIds.isEmpty() ? store.inTransaction(transaction -> transaction.hostCredentials().validHostIds()) : List.copyOf(hostIds);
        for (String hostId : hosts) {
            if (store.inTransaction(transaction -> transaction.hostCredentials().find(hostId)).isEmpty()) {
                throw new HostAccessDeniedException("host " + hostId + " has no credential to rotate: it is unknown, or was removed with `berth host rm`", false);
            }
        }
        hosts.forEach(hostId -> requestRotation(hostId, grace));
        return hosts;
    }

    /**
     * A new secret for the host the Authorization header proves (with its current secret, or the one it rotated away
     * from while that is in its grace): the secret it proved with stays good for the grace the operator gave (or
     * {@link #DEFAULT_ROTATION_GRACE}), so an agent whose answer was lost is not locked out and asks again.
     */
    public HostCredential rotate(String authorizationHeader)
    {
        // a change of the credential is decided on the store's, never on what was kept of it
        AuthenticatedHost host = authenticateHost(authorizationHeader, false);
        HostCredential next = new HostCredential(host.hostId(), HostSecrets.newSecret(random));
        Instant now = clock.instant();
        boolean rotated = store.inTransaction(transaction -> {
            Optional<StoredCredential> stored = transaction.hostCredentials().find(host.hostId());
            if (stored.isEmpty()) {
                return false;
            }
            Duration grace = stored.get().rotationGrace() != null ? stored.get().rotationGrace() : DEFAULT_ROTATION_GRACE;
            return transaction.hostCredentials().rotate(host.hostId(), stored.get().secretHash(), HostSecrets.hash(next.secret()), host.secretHash(), now.plus(grace), now);
        });
        // told even when it did not rotate: what this replica kept of the credential may be what made it try
        credentialChanged(host.hostId());
        if (!rotated) {
            throw new HostAccessDeniedException("the credential of host " + host.hostId() + " changed while it rotated: try again", true);
        }
        log.info("host {}: credential rotated", host.hostId());
        return next;
    }

    /** The stored hash of the host's secret (no longer a key of anything: the control plane signs with its own key). */
    public Optional<String> secretHash(String hostId)
    {
        return store.inTransaction(transaction -> transaction.hostCredentials().secretHash(hostId));
    }

    private String verifyJoinToken(String token)
    {
        String refusal = "the join token is not valid: get a new one with `berth host token` on the control plane";
        // an agent sends the token without its pin; one that sends it whole is understood too
        try {
            token = token == null ? null : JoinTokenText.parse(token).credential();
        }
        catch (IllegalArgumentException e) {
            throw new HostAccessDeniedException(refusal, true);
        }
        int dot = token == null ? -1 : token.indexOf('.');
        if (dot <= 0) {
            throw new HostAccessDeniedException(refusal, true);
        }
        String tokenId = token.substring(0, dot);
        JoinToken stored = store.inTransaction(transaction -> transaction.joinTokens().find(tokenId))
                .orElseThrow(() -> new HostAccessDeniedException(refusal, true));
        if (!HostSecrets.matches(token.substring(dot + 1), stored.secretHash())) {
            throw new HostAccessDeniedException(refusal, true);
        }
        if (stored.revokedAt() != null) {
            throw new HostAccessDeniedException("the join token " + tokenId + " was revoked at " + stored.revokedAt() + ": get a new one with `berth host token`", true);
        }
        if (stored.expired(clock.instant())) {
            throw new HostAccessDeniedException("the join token expired at " + stored.expiresAt() + ": get a new one with `berth host token`", true);
        }
        return tokenId;
    }

    private String randomHex(int bytes)
    {
        byte[] value = new byte[bytes];
        random.nextBytes(value);
        return HexFormat.of().formatHex(value);
    }
}
