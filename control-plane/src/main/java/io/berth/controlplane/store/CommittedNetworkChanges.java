package io.berth.controlplane.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The network changes this replica committed, by the network epoch each commit made (the last {@value #KEPT}): for each,
 * its task endpoint changes, or that it changed more than endpoints. A commit's changes are noted before the commit,
 * while its transaction holds the epoch's row, so whoever reads that epoch from the store finds them here; a commit that
 * fails takes its note back (a later commit that made the same epoch number has replaced it by then, or will). Whoever holds a view of the network at one epoch
 * can then bring it to a later one by applying the endpoint changes in between, as long as this replica made every one
 * of them (another replica's commits leave gaps) and none changed hosts, slices or egress. Epochs are given in commit
 * order (their row is locked from the increment to the commit), so the changes applied in epoch order are the commits'.
 */
final class CommittedNetworkChanges
{
    static final int KEPT = 1024;

    /** An epoch's changes; null endpoints: it changed more than task endpoints. Compared by identity: one per commit. */
    static final class Entry
    {
        private final List<StoreTransaction.EndpointChange> endpoints;

        private Entry(List<StoreTransaction.EndpointChange> endpoints)
        {
            this.endpoints = endpoints;
        }
    }

    private final TreeMap<Long, Entry> byEpoch = new TreeMap<>();

    /** Notes what the commit about to make epoch changed; called while its transaction holds the epoch's row. */
    synchronized Entry committing(long epoch, boolean structural, List<StoreTransaction.EndpointChange> endpoints)
    {
        Entry entry = new Entry(structural ? null : List.copyOf(endpoints));
        byEpoch.put(epoch, entry);
        while (byEpoch.size() > KEPT) {
            byEpoch.pollFirstEntry();
        }
        return entry;
    }

    /** The commit noted as entry failed: its note goes, unless another commit of that epoch number replaced it. */
    synchronized void failed(long epoch, Entry entry)
    {
        byEpoch.remove(epoch, entry);
    }

    /**
     * The endpoint changes of the epochs after from up to to, in order: empty when one of them is not known here (made by
     * another replica, forgotten, or its commit not yet noted) or changed more than endpoints.
     */
    synchronized Optional<List<StoreTransaction.EndpointChange>> endpointChangesBetween(long from, long to)
    {
        if (to < from || to - from > KEPT) {
            return Optional.empty();
        }
        Map<Long, Entry> between = byEpoch.subMap(from, false, to, true);
        if (between.size() != to - from) {
            return Optional.empty();
        }
        List<StoreTransaction.EndpointChange> changes = new ArrayList<>();
        for (Entry entry : between.values()) {
            if (entry.endpoints == null) {
                return Optional.empty();
            }
            changes.addAll(entry.endpoints);
        }
        return Optional.of(changes);
    }
}
