package io.berth.agent.images;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The Authorization values a registry client won by answering challenges, kept until they expire and shared by the
 * client and its views with other credentials ({@link RegistryClient#withCredential}). Each value is kept under the
 * credential that won it (by its {@link RegistryCredentials.Credential#fingerprint()}) and the repository it was
 * granted for: a view never sends what another login, or no login, was granted. Keeping them saves a pull the
 * anonymous request that draws the challenge and the token request: two of the three round trips of a tag's
 * resolution.
 */
final class RegistryAuthorizations
{
    /** The token protocol's lifetime of a token whose answer names none (distribution's token spec, expires_in). */
    static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);
    /** A token is no longer sent this long before it expires: a request in flight must not arrive with a dead one. */
    static final Duration EXPIRY_MARGIN = Duration.ofSeconds(10);
    /** A Basic answer is the credential itself and does not expire; it is kept this long all the same. */
    private static final Duration BASIC_LIFETIME = Duration.ofHours(1);

    private final ExpiringEntries<String, String> entries;

    RegistryAuthorizations(Clock clock)
    {
        this.entries = new ExpiringEntries<>(clock);
    }

    /** What to send for the repository with the credential (empty: anonymous), if something won before is still good. */
    Optional<String> get(Optional<RegistryCredentials.Credential> credential, String repositoryKey)
    {
        return entries.get(key(credential, repositoryKey));
    }

    /** Keeps a Bearer token for its lifetime less a margin, or a Basic answer. */
    void put(Optional<RegistryCredentials.Credential> credential, String repositoryKey, String authorization, Duration tokenLifetime)
    {
        entries.put(key(credential, repositoryKey), authorization, authorization.startsWith("Basic ") ? BASIC_LIFETIME : tokenLifetime.minus(EXPIRY_MARGIN));
    }

    int size()
    {
        return entries.size();
    }

    private static String key(Optional<RegistryCredentials.Credential> credential, String repositoryKey)
    {
        return credential.map(RegistryCredentials.Credential::fingerprint).orElse("anonymous") + " " + requireNonNull(repositoryKey, "repositoryKey is null");
    }
}
