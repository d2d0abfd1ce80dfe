package io.berth.controlplane.store;

import io.berth.common.agentprotocol.TaskEndpoint;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether a transaction wrote something the hosts' network plans are made of: the rows that write those columns say
 * so here, and the store adds one to the network epoch as the transaction commits (see {@link StoreTransaction#networkEpoch()}).
 * The epoch's row is updated last, right before the commit, so transactions that change the network wait on each
 * other only for as long as a commit takes. Task endpoints that appear or go away are kept as such (the commonest
 * change by far, two per task start or stop anywhere): a replica holding the plans' shared view of the epoch before can
 * apply them to it rather than read the cluster again.
 */
final class NetworkChanges
{
    private boolean structural;
    private final List<StoreTransaction.EndpointChange> endpoints = new ArrayList<>();

    /** A change of something else than task endpoints: hosts, slices, egress policies. */
    void changed()
    {
        structural = true;
    }

    /** A task's endpoint went from before to after (either null: none). */
    void endpointChanged(TaskEndpoint before, TaskEndpoint after)
    {
        endpoints.add(new StoreTransaction.EndpointChange(before, after));
    }

    boolean any()
    {
        return structural || !endpoints.isEmpty();
    }

    boolean structural()
    {
        return structural;
    }

    List<StoreTransaction.EndpointChange> endpoints()
    {
        return List.copyOf(endpoints);
    }
}
