package io.berth.controlplane.leadership;

import io.berth.controlplane.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * The control-plane replicas agents may talk to: each replica announces the URL agents reach it at (its advertised
 * URL) in the store about every second, and hands the URLs of all replicas seen lately to its agents in each sync, so
 * an agent whose control plane stops answering moves to another. A replica unseen for {@link #FORGET_AFTER} is no
 * longer handed out.
 */
public final class ReplicaDirectory
{
    public static final Duration FORGET_AFTER = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(ReplicaDirectory.class);

    private final Store store;
    private final String replicaId;
    private final Clock clock;
    private volatile URI advertised;
    private volatile List<URI> known = List.of();

    public ReplicaDirectory(Store store, String replicaId, Clock clock)
    {
        this.store = requireNonNull(store, "store is null");
        this.replicaId = requireNonNull(replicaId, "replicaId is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** A replica id that says where it runs and stays unique: HOSTNAME-PID-RANDOM. */
    public static String newReplicaId()
    {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        }
        catch (UnknownHostException e) {
            host = "unknown-host";
        }
        byte[] random = new byte[3];
        ThreadLocalRandom.current().nextBytes(random);
        return host + "-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random);
    }

    /** Where agents reach this replica; announced from the next {@link #refresh()} on. */
    public void advertise(URI url)
    {
        this.advertised = requireNonNull(url, "url is null");
        refresh();
    }

    /** Announces this replica (once it has a URL) and reads the others'; a store failure keeps the last list. */
    public void refresh()
    {
        URI url = advertised;
        if (url == null) {
            return;
        }
        Instant now = clock.instant();
        try {
            known = store.inTransaction(transaction -> {
                transaction.replicas().announce(replicaId, url.toString(), now);
                return transaction.replicas().urlsSeenSince(now.minus(FORGET_AFTER)).stream().map(URI::create).toList();
            });
        }
        catch (RuntimeException e) {
            log.debug("control plane replica {} could not announce itself: {}", replicaId, e.toString());
        }
    }

    /** The URLs of the replicas seen lately, this one's included; empty until this one has a URL. */
    public List<URI> urls()
    {
        List<URI> urls = known;
        URI own = advertised;
        if (own != null && !urls.contains(own)) {
            return Stream.concat(Stream.of(own), urls.stream()).toList();
        }
        return urls;
    }

    /** Forgets replicas long gone (the leader's chore: a crashed replica never withdraws itself). */
    public void forgetGone()
    {
        Instant now = clock.instant();
        store.useTransaction(transaction -> transaction.replicas().removeNotSeenSince(now.minus(FORGET_AFTER.multipliedBy(6))));
    }

    /** Takes this replica off the list (at shutdown). */
    public void withdraw()
    {
        if (advertised == null) {
            return;
        }
        try {
            store.useTransaction(transaction -> transaction.replicas().remove(replicaId));
        }
        catch (RuntimeException e) {
            log.warn("control plane replica {} could not take itself off the replica list; it is forgotten after {}: {}", replicaId, FORGET_AFTER, e.toString());
        }
    }
}
