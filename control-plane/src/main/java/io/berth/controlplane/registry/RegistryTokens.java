package io.berth.controlplane.registry;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * The two tokens of Berth's registry, both JWTs signed with the registry signing key (ES256):
 * <ul>
 * <li>a login token, the password of user AWS that GetAuthorizationToken hands out (and the control plane mints
 * for each task's pulls): bound to one account, audience {@value #LOGIN_AUDIENCE}, so the registry itself never
 * accepts it;</li>
 * <li>an access token, what the token endpoint answers a login with: audience {@link RegistrySettings#SERVICE}, the
 * grants in the {@code access} claim, the certificate in {@code x5c}, as docker-registry's token auth expects.</li>
 * </ul>
 */
public final class RegistryTokens
{
    static final String LOGIN_AUDIENCE = "berth-registry-login";
    public static final Duration LOGIN_LIFETIME = Duration.ofHours(12);
    public static final Duration ACCESS_LIFETIME = Duration.ofMinutes(5);

    private final RegistrySigningKey key;
    private final Clock clock;
    private final ECDSASigner signer;
    private final ECDSAVerifier verifier;

    public RegistryTokens(RegistrySigningKey key, Clock clock)
    {
        this.key = requireNonNull(key, "key is null");
        this.clock = requireNonNull(clock, "clock is null");
        try {
            this.signer = new ECDSASigner(key.privateKey());
            this.verifier = new ECDSAVerifier(key.publicKey());
        }
        catch (JOSEException e) {
            throw new IllegalArgumentException("the registry signing key is not a usable EC key: " + e.getMessage(), e);
        }
    }

    /** A password for user AWS that logs the account in to the registry until it expires. */
    public LoginToken login(String accountId, Duration lifetime)
    {
        Instant now = clock.instant();
        Instant expiresAt = now.plus(lifetime);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(RegistrySettings.ISSUER)
                .subject(requireNonNull(accountId, "accountId is null"))
                .audience(LOGIN_AUDIENCE)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(expiresAt))
                .jwtID(UUID.randomUUID().toString())
                .build();
        return new LoginToken(sign(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).build(), claims), expiresAt);
    }

    /** The account a login token was made for; empty when it is not one of ours, or expired. */
    public Optional<String> accountOf(String password)
    {
        try {
            SignedJWT jwt = SignedJWT.parse(password);
            if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
                return Optional.empty();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Instant now = clock.instant();
            if (!RegistrySettings.ISSUER.equals(claims.getIssuer())
                    || !claims.getAudience().equals(List.of(LOGIN_AUDIENCE))
                    || claims.getExpirationTime() == null || !now.isBefore(claims.getExpirationTime().toInstant())
                    || claims.getNotBeforeTime() == null || now.isBefore(claims.getNotBeforeTime().toInstant().minusSeconds(60))
                    || claims.getSubject() == null) {
                return Optional.empty();
            }
            return Optional.of(claims.getSubject());
        }
        catch (ParseException | JOSEException e) {
            return Optional.empty();
        }
    }

    /** A token the registry accepts for the grants, for 5 minutes. */
    public String access(String subject, List<AccessGrant> grants)
    {
        Instant now = clock.instant();
        List<Map<String, Object>> access = grants.stream().map(grant -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("type", grant.type());
            entry.put("name", grant.name());
            entry.put("actions", grant.actions());
            return entry;
        }).toList();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(RegistrySettings.ISSUER)
                .subject(subject)
                .audience(RegistrySettings.SERVICE)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ACCESS_LIFETIME)))
                .jwtID(UUID.randomUUID().toString())
                .claim("access", access)
                .build();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(JOSEObjectType.JWT)
                .x509CertChain(List.of(com.nimbusds.jose.util.Base64.encode(key.certificateDer())))
                .build();
        return sign(header, claims);
    }

    private String sign(JWSHeader header, JWTClaimsSet claims)
    {
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        }
        catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a registry token: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }
}
