package io.berth.controlplane.leadership;

import io.berth.controlplane.events.ClusterEvents;
import io.berth.controlplane.events.EventType;
import io.berth.controlplane.store.Store;
import io.berth.controlplane.store.StoreTransaction;
import io.berth.controlplane.store.TransactionFence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * This replica's part in electing the leader through the store's lease row (see V22). {@link #tick()}, called about
 * every second, takes the lease when it is free or lapsed and renews it while held. The leader counts itself leader
 * only until its last renewal plus the lease minus one renewal interval, so a leader that cannot renew (its database
 * cut off, its renewal hung) stops acting before any other replica may take over. As a {@link TransactionFence} it
 * checks, inside each of the leader's deciding transactions and under the lease row's lock, that the lease is still
 * its own in the same term: a takeover waits for that transaction, or the transaction fails, so a deposed leader never
 * writes a decision into another's term.
 * <p>
 * Why a lease row rather than a PostgreSQL advisory lock: the row works the same on SQLite, its epoch fences each write
 * (an advisory lock is tied to one session, not to the transactions of a connection pool), and who leads and until
 * when can be read from any replica.
 */
public final class LeaderElection
        implements TransactionFence
{
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(3);
    public static final Duration DEFAULT_RENEW_INTERVAL = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);

    private final Store store;
    private final String replicaId;
    private final Clock clock;
    private final Duration lease;
    private final Duration renewInterval;
    /** This replica's term while it leads, else null; set by tick (one at a time) and cleared by a failed fence. */
    private final AtomicReference<Term> term = new AtomicReference<>();
    private final Object ticking = new Object();

    /** The lease's epoch, when this replica last renewed it (or took it), and until when it may act on it. */
    private record Term(long epoch, Instant renewedAt, Instant actUntil) {}

    public LeaderElection(Store store, String replicaId, Clock clock, Duration lease, Duration renewInterval)
    {
        this.store = requireNonNull(store, "store is null");
        this.replicaId = requireNonNull(replicaId, "replicaId is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.lease = requireNonNull(lease, "lease is null");
        this.renewInterval = requireNonNull(renewInterval, "renewInterval is null");
        if (renewInterval.isZero() || renewInterval.isNegative() || renewInterval.compareTo(lease.dividedBy(2)) > 0) {
            throw new IllegalArgumentException("the renewal interval must be positive and at most half the lease, got " + renewInterval + " for a lease of " + lease);
        }
    }

    public String replicaId()
    {
        return replicaId;
    }

    /** True while this replica holds the lease and its last renewal is recent enough to act on. */
    public boolean isLeader()
    {
        Term current = term.get();
        return current != null && clock.instant().isBefore(current.actUntil());
    }

    /** The epoch of the term this replica leads in, if it leads. */
    public Optional<Long> epoch()
    {
        return isLeader() ? Optional.of(term.get().epoch()) : Optional.empty();
    }

    /**
     * Renews the lease when this replica holds it and a renewal is due, or takes it when it is free or lapsed; returns
     * whether this replica leads now. A store failure is logged and leaves this replica not acting until a renewal
     * succeeds again (a renewal with the same epoch resumes the term when nobody took over meanwhile).
     */
    public boolean tick()
    {
        synchronized (ticking) {
            Instant now = clock.instant();
            Term current = term.get();
            if (current != null && now.isBefore(current.renewedAt().plus(renewInterval)) && now.isBefore(current.actUntil())) {
                return true;
            }
            Instant expiresAt = now.plus(lease);
            try {
                if (current != null) {
                    if (store.inTransaction(transaction -> transaction.lease().renew(replicaId, current.epoch(), expiresAt))) {
                        term.set(new Term(current.epoch(), now, actUntil(now)));
                        return true;
                    }
                    deposed(current, "another replica took the lease");
                }
                Optional<Long> taken = store.inTransaction(transaction -> take(transaction, now, expiresAt));
                taken.ifPresent(epoch -> {
                    term.set(new Term(epoch, now, actUntil(now)));
                    log.info("control plane replica {} now leads (term {}): it runs the controllers", replicaId, epoch);
                });
                return taken.isPresent();
            }
            catch (RuntimeException e) {
                if (current != null) {
                    // stop acting at once: what this replica decides now might land after another took over
                    term.compareAndSet(current, new Term(current.epoch(), current.renewedAt(), now));
                    log.warn("control plane replica {} stops acting as leader: cannot renew its lease (term {}): {}", replicaId, current.epoch(), e.toString());
                }
                else {
                    log.debug("control plane replica {} could not contend for the lease: {}", replicaId, e.toString());
                }
                return false;
            }
        }
    }

    private Optional<Long> take(StoreTransaction transaction, Instant now, Instant expiresAt)
    {
        transaction.lease().lock();
        Lease before = transaction.lease().read();
        if (!before.isFreeAt(now) || !transaction.lease().take(replicaId, now, expiresAt)) {
            return Optional.empty();
        }
        long epoch = before.epoch() + 1;
        String previous = before.holder() == null ? "nobody held the lease"
                : before.holder().equals(replicaId) ? "its own previous term lapsed"
                : "replica " + before.holder() + " did not renew its lease in time";
        ClusterEvents.leadership(transaction, EventType.LEADER_ELECTED, replicaId, "control plane replica " + replicaId + " leads (term " + epoch + "): " + previous, now);
        return Optional.of(epoch);
    }

    /**
     * The fence of the leader's deciding transactions: passes only while this replica holds the lease in its term, and
     * then holds the lease row until the transaction ends.
     */
    @Override
    public void check(StoreTransaction transaction)
    {
        Term current = term.get();
        if (current == null || !isLeader()) {
            throw new NotLeaderException("control plane replica " + replicaId + " is not the leader: it does not decide");
        }
        if (!transaction.lease().holds(replicaId, current.epoch())) {
            deposed(current, "its lease changed hands");
            throw new NotLeaderException("control plane replica " + replicaId + " lost the lease (term " + current.epoch() + "): another replica leads");
        }
    }

    /** Gives the lease up, if held, so another replica takes over at once (at shutdown). */
    public void resign()
    {
        synchronized (ticking) {
            Term current = term.getAndSet(null);
            if (current == null) {
                return;
            }
            Instant now = clock.instant();
            try {
                store.useTransaction(transaction -> {
                    if (transaction.lease().release(replicaId, current.epoch())) {
                        ClusterEvents.leadership(transaction, EventType.LEADER_RESIGNED, replicaId,
                                "control plane replica " + replicaId + " gave up the lease (term " + current.epoch() + "): it shuts down", now);
                    }
                });
                log.info("control plane replica {} gave up the lease (term {})", replicaId, current.epoch());
            }
            catch (RuntimeException e) {
                log.warn("control plane replica {} could not give up its lease (term {}); another takes over once it lapses: {}", replicaId, current.epoch(), e.toString());
            }
        }
    }

    /** Who holds the lease, as stored. */
    public Lease read()
    {
        return store.inTransaction(transaction -> transaction.lease().read());
    }

    private Instant actUntil(Instant renewedAt)
    {
        // one interval short of the lease's end: a margin for the time the renewal took and for clocks a little apart
        return renewedAt.plus(lease).minus(renewInterval);
    }

    private void deposed(Term current, String why)
    {
        if (term.compareAndSet(current, null)) {
            log.warn("control plane replica {} no longer leads (term {}): {}; it stops running the controllers", replicaId, current.epoch(), why);
        }
    }
}
