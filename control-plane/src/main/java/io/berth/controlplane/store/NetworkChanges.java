package io.berth.controlplane.store;

/**
 * Whether a transaction wrote something the hosts' network plans are made of: the rows that write those columns say
 * so here, and the store adds one to the network epoch as the transaction commits (see {@link StoreTransaction#networkEpoch()}).
 * The epoch's row is updated last, right before the commit, so transactions that change the network wait on each
 * other only for as long as a commit takes.
 */
final class NetworkChanges
{
    private boolean changed;

    void changed()
    {
        changed = true;
    }

    boolean any()
    {
        return changed;
    }
}
