package io.berth.controlplane.agents.access;

import io.berth.controlplane.store.HostCredentialRows.StoredCredential;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * The host credentials this replica read lately, each for at most {@link #MAX_AGE}. An agent calls several times a
 * second (its syncs, its long polls, the network plans sent to it alone), and each call read its host's credential in a
 * transaction of its own: with a hundred hosts busy, nearly half of all of PostgreSQL's transactions (docs/benchmarks.md).
 * <p>
 * Only an acceptance may come from here (see {@link HostAccess#authenticateHost}): a secret that does not match what is
 * kept is checked against the store. A credential changed through this replica (issued, rotated, a rotation asked,
 * revoked) is forgotten here as soon as the change commits, and the other replicas are told to forget it too; a notice
 * they miss (while their listener reconnects: it then forgets every credential) leaves what they kept for at most
 * {@link #MAX_AGE}. A read that began before a forget is not kept: a credential read before a revocation committed
 * could otherwise be kept after it.
 */
final class KeptCredentials
{
    /** How long a credential read from the store serves: the most a replica that missed a change's notice lags. */
    static final Duration MAX_AGE = Duration.ofSeconds(5);
    /** Hosts kept at most; past it the memo starts afresh. */
    private static final int MAX_HOSTS = 100_000;

    private final ConcurrentMap<String, Kept> byHost = new ConcurrentHashMap<>();
    /** Moves at every forget: a read that began at another generation is not kept. */
    private final AtomicLong generation = new AtomicLong();
    private final LongSupplier nanoTime;
    private final long maxAgeNanos;

    private record Kept(StoredCredential credential, long readAtNanos) {}

    KeptCredentials()
    {
        this(System::nanoTime, MAX_AGE);
    }

    /** nanoTime: the monotonic clock the ages are read on (tests move it). */
    KeptCredentials(LongSupplier nanoTime, Duration maxAge)
    {
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
        this.maxAgeNanos = requireNonNull(maxAge, "maxAge is null").toNanos();
    }

    /** The host's credential as read from the store less than {@link #MAX_AGE} ago, and not forgotten since. */
    Optional<StoredCredential> fresh(String hostId)
    {
        Kept kept = byHost.get(hostId);
        if (kept == null) {
            return Optional.empty();
        }
        if (nanoTime.getAsLong() - kept.readAtNanos() >= maxAgeNanos) {
            byHost.remove(hostId, kept);
            return Optional.empty();
        }
        return Optional.of(kept.credential());
    }

    /** To be read before the store is: {@link #keep} keeps what the read found only if nothing was forgotten meanwhile. */
    long generation()
    {
        return generation.get();
    }

    /** Keeps the credential read from the store, unless a forget came after readGeneration was taken. */
    void keep(String hostId, StoredCredential credential, long readGeneration)
    {
        long readAt = nanoTime.getAsLong();
        if (byHost.size() >= MAX_HOSTS) {
            byHost.clear();
        }
        byHost.put(hostId, new Kept(credential, readAt));
        // a forget that raced the put above moved the generation: take back what may be older than it
        if (generation.get() != readGeneration) {
            byHost.remove(hostId);
        }
    }

    void forget(String hostId)
    {
        generation.incrementAndGet();
        byHost.remove(hostId);
    }

    void forgetAll()
    {
        generation.incrementAndGet();
        byHost.clear();
    }
}
