package io.berth.common.hostauth;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A host's identity and its secret, as the control plane issued them at join. Sent as
 * {@code Authorization: Bearer <hostId>.<secret>}.
 */
public record HostCredential(String hostId, String secret)
{
    private static final String BEARER = "Bearer ";
    /** The header ("true") of a sync answer to a host that is to take a new secret. */
    public static final String ROTATE_HEADER = "Berth-Rotate-Credential";

    public HostCredential
    {
        requireNonNull(hostId, "hostId is null");
        requireNonNull(secret, "secret is null");
        if (!HostSecrets.isValidHostId(hostId)) {
            throw new IllegalArgumentException("invalid host id: " + hostId);
        }
        if (secret.isEmpty() || secret.indexOf('.') >= 0) {
            throw new IllegalArgumentException("invalid host secret");
        }
    }

    public String authorizationHeader()
    {
        return BEARER + hostId + "." + secret;
    }

    /** The credential in an Authorization header value, if it has the bearer form. */
    public static Optional<HostCredential> fromAuthorizationHeader(String value)
    {
        if (value == null || !value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        String token = value.substring(BEARER.length()).strip();
        int dot = token.indexOf('.');
        if (dot <= 0 || dot == token.length() - 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(new HostCredential(token.substring(0, dot), token.substring(dot + 1)));
        }
        catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString()
    {
        // never log the secret
        return "HostCredential[hostId=" + hostId + "]";
    }
}
