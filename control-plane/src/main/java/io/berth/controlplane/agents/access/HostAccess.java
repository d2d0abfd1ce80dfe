package io.berth.controlplane.agents.access;

import io.berth.common.hostauth.HostCredential;
import io.berth.common.hostauth.HostSecrets;
import io.berth.common.hostauth.JoinTokenText;
import io.berth.common.tls.CertificatePin;
import io.berth.controlplane.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Issues join tokens and host credentials and checks them. A join token is a bootstrap secret, reusable by
 * many hosts until it expires; each join mints a new host id and a secret for that host alone, so a token that
 * leaks later does not let anyone speak for an existing host.
 */
public final class HostAccess
{
    private static final Logger log = LoggerFactory.getLogger(HostAccess.class);

    private final Store store;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    // set once the API serves TLS: join tokens then carry the pin agents check the control plane by
    private volatile CertificatePin joinTokenPin;

    public HostAccess(Store store, Clock clock)
    {
        this.store = requireNonNull(store, "store is null");
        this.clock = requireNonNull(clock, "clock is null");
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
        return credential;
    }

    /** The host id a request's Authorization header proves, or HostAccessDeniedException. */
    public String authenticate(String authorizationHeader)
    {
        HostCredential credential = HostCredential.fromAuthorizationHeader(authorizationHeader)
                .orElseThrow(() -> new HostAccessDeniedException(
                        "no host credential: an agent joins with `berth agent --join URL --token TOKEN` (get a token with `berth host token`)", true));
        Optional<String> valid = secretHash(credential.hostId());
        if (valid.isEmpty()) {
            Optional<Instant> revoked = store.inTransaction(transaction -> transaction.hostCredentials().revokedAt(credential.hostId()));
            if (revoked.isPresent()) {
                throw new HostAccessDeniedException("the credential of host " + credential.hostId() + " was revoked at " + revoked.get()
                        + " (`berth host rm`): this host is no longer part of the cluster; to join again, remove the agent's credential file and join with a new token from `berth host token`", true);
            }
        }
        String expected = valid
                .orElseThrow(() -> new HostAccessDeniedException("host " + credential.hostId() + " is not known to this control plane: "
                        + "remove the agent's credential file and join again with a new token from `berth host token`", true));
        if (!HostSecrets.matches(credential.secret(), expected)) {
            throw new HostAccessDeniedException("the credential of host " + credential.hostId() + " is not valid: "
                    + "remove the agent's credential file and join again with a new token from `berth host token`", true);
        }
        return credential.hostId();
    }

    /** The stored hash of the host's secret: the key the control plane signs its calls to the host with. */
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
