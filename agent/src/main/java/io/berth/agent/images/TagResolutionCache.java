package io.berth.agent.images;

import io.berth.common.agentprotocol.RegistryLogin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

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
    /** Beyond this many entries, expired ones are dropped on the next store. */
    private static final int SWEEP_ABOVE = 1024;

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
            // the secret itself is not kept: its hash tells two logins of one user apart all the same
            return "login " + RegistryCredentials.normalizeHost(login.registry()) + " " + login.username() + " " + sha256(login.password());
        }
    }

    private record Entry(Digest manifestDigest, Instant expires) {}

    private final Clock clock;
    private final Duration lifetime;
    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();

    TagResolutionCache(Clock clock, Duration lifetime)
    {
        this.clock = requireNonNull(clock, "clock is null");
        this.lifetime = requireNonNull(lifetime, "lifetime is null");
        if (lifetime.isNegative()) {
            throw new IllegalArgumentException("a tag resolution cannot live a negative time: " + lifetime);
        }
    }

    /** The manifest digest the key's tag resolved to within the lifetime, if any. */
    Optional<Digest> get(Key key)
    {
        Entry entry = entries.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(entry.expires())) {
            entries.remove(key, entry);
            return Optional.empty();
        }
        return Optional.of(entry.manifestDigest());
    }

    void put(Key key, Digest manifestDigest)
    {
        if (lifetime.isZero()) {
            return;
        }
        Instant now = clock.instant();
        if (entries.size() >= SWEEP_ABOVE) {
            entries.values().removeIf(entry -> !now.isBefore(entry.expires()));
        }
        entries.put(key, new Entry(requireNonNull(manifestDigest, "manifestDigest is null"), now.plus(lifetime)));
    }

    /** Forgets the key's resolution, as after its manifest could not be read from the store. */
    void forget(Key key)
    {
        entries.remove(key);
    }

    private static String sha256(String text)
    {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
