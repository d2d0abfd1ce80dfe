package io.berth.agent.images;

import io.berth.common.agentprotocol.RegistryLogin;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What a tag resolved to in the last few seconds, so a burst of tasks of one image asks the registry once: tags move,
 * so an entry lives only briefly. An entry serves only a pull by the same account with the same registry credential
 * that made it (the host's own, or the account's login, by a hash of its secret): one tenant never gets a resolution
 * made with another's credentials, and a login that can no longer read the image is asked again within the lifetime.
 */
final class TagResolutionCache
{
    /** A burst's tasks arrive within a few seconds; a tag pushed anew is seen after at most this long. */
    static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(5);
    /** Whose resolution it is: the account (empty: none), the credential it was made with, and the tag reference. */
    record Key(String accountId, String credential, String reference)
    {
        Key
        {
            requireNonNull(accountId, "accountId is null");
            requireNonNull(credential, "credential is null");
            requireNonNull(reference, "reference is null");
        }

        /** login null: the host's own credentials (the agent's registry configuration). */
        static Key of(String accountId, RegistryLogin login, ImageReference reference)
        {
            return new Key(accountId == null ? "" : accountId, credential(login), reference.toString());
        }

        private static String credential(RegistryLogin login)
        {
            if (login == null) {
                return "host";
            }
            return RegistryCredentials.normalizeHost(login.registry()) + " " + new RegistryCredentials.Credential(login.username(), login.password()).fingerprint();
        }
    }

    private final ExpiringEntries<Key, Digest> entries;
    private final Duration lifetime;

    TagResolutionCache(Clock clock, Duration lifetime)
    {
        this.entries = new ExpiringEntries<>(clock);
        this.lifetime = requireNonNull(lifetime, "lifetime is null");
        if (lifetime.isNegative()) {
            throw new IllegalArgumentException("a tag resolution cannot live a negative time: " + lifetime);
        }
    }

    /** The manifest digest the key's tag resolved to within the lifetime, if any. */
    Optional<Digest> get(Key key)
    {
        return entries.get(key);
    }

    void put(Key key, Digest manifestDigest)
    {
        entries.put(key, manifestDigest, lifetime);
    }

    /** Forgets the key's resolution, as after its manifest could not be read from the store. */
    void forget(Key key)
    {
        entries.forget(key);
    }
}
