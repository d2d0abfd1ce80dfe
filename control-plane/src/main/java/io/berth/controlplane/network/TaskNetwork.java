package io.berth.controlplane.network;

import io.berth.common.agentprotocol.NetworkPlan;
import io.berth.common.network.Ipv4Cidr;
import io.berth.controlplane.agents.Host;
import io.berth.controlplane.store.StoreTransaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * The task network inside a sync: gives a host its slice the first time it syncs, and reads the snapshot its
 * network plan is built from. The control plane's API address is published once the server listens (its port
 * may be picked at start), and goes into every plan from then on.
 */
public final class TaskNetwork
{
    private static final Logger log = LoggerFactory.getLogger(TaskNetwork.class);

    private final TaskAddressPlan addressPlan;
    private volatile List<String> reachableServices = List.of();
    /** The parts every host's plan shares, as of the latest network epoch a sync built them at. */
    private final AtomicReference<Shared> shared = new AtomicReference<>();
    /** How many times the cluster's network was read whole and built: for tests. */
    private final AtomicLong builds = new AtomicLong();
    // a host without a fitting slice asks again at every sync: the operator hears of it once per host and process
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    public TaskNetwork(TaskAddressPlan addressPlan)
    {
        this.addressPlan = requireNonNull(addressPlan, "addressPlan is null");
    }

    public TaskAddressPlan addressPlan()
    {
        return addressPlan;
    }

    /** The control plane's API as "ADDRESS:PORT": tasks may reach it, as tasks on AWS reach the ECS API. */
    public void publishApiAddress(String address, int port)
    {
        requireNonNull(address, "address is null");
        reachableServices = List.of((address.contains(":") ? "[" + address + "]" : address) + ":" + port);
    }

    /**
     * Gives the host the lowest free slice if it has none; true when it got one now (every other host then has a
     * new peer). A host keeps its slice for life, with one exception: when the operator restarted the control
     * plane with another task CIDR, a host whose slice lies outside it moves to a slice of the new CIDR as soon as
     * it holds no task (until then its tasks keep their addresses). A host for which no slice is left keeps
     * syncing without a network, and the log says why.
     */
    public boolean ensureSlice(StoreTransaction transaction, String hostId)
    {
        Optional<Host> host = transaction.hosts().find(hostId);
        if (host.isEmpty()) {
            return false;
        }
        String current = host.get().taskSubnet();
        if (current != null && addressPlan.taskCidr().contains(Ipv4Cidr.parse(current))) {
            return false;
        }
        if (current != null && !transaction.tasks().onHost(hostId).isEmpty()) {
            if (warned.add(hostId + " outside")) {
                log.warn("Host {} keeps task subnet {} outside the task CIDR {} while it holds tasks; it moves into the CIDR once they are gone",
                        hostId, current, addressPlan.taskCidr());
            }
            return false;
        }
        // the placement lock serializes slice assignment too; the unique constraint backs it up
        transaction.hosts().lockForPlacement();
        List<Ipv4Cidr> held = transaction.hosts().taskSubnets().stream()
                .filter(subnet -> !subnet.equals(current))
                .map(Ipv4Cidr::parse)
                .toList();
        Ipv4Cidr slice;
        try {
            slice = HostSubnetAllocator.allocate(addressPlan, held);
        }
        catch (AddressSpaceExhaustedException e) {
            if (warned.add(hostId + " exhausted")) {
                log.warn("Host {} gets no task subnet, so its tasks get no network: {}", hostId, e.getMessage());
            }
            return false;
        }
        boolean assigned = current == null
                ? transaction.hosts().assignTaskSubnet(hostId, slice.toString())
                : transaction.hosts().replaceTaskSubnet(hostId, current, slice.toString());
        if (assigned) {
            log.info("Host {} got task subnet {} of {}{}", hostId, slice, addressPlan.taskCidr(), current == null ? "" : " in place of " + current);
        }
        return assigned;
    }

    /**
     * The host's network plan, read in transaction; empty while the host has no slice. Every host's plan is built from the
     * same hosts, tasks and egress policies, so they are read and built once per network epoch of the store (see
     * {@link StoreTransaction#networkEpoch()}) and shared by every sync of that epoch; a view of an earlier epoch is brought
     * to a later one by the task endpoint changes this replica committed in between (the commonest change by far: two per
     * task start or stop anywhere), so the cluster is read whole only after a change of hosts, slices or egress, or of
     * another replica.
     * <p>
     * A sync whose own transaction changed the network (its tasks' addresses, its host's address or loss) is served the
     * shared view of the latest committed epoch too, which lacks only its own changes: a host's plan lists itself in no
     * peer, and the host keeps its own tasks apart from what it knows of them, not from the plan's endpoints. Its next
     * sync, at the epoch its commit moved, has them. Only when its slice is new, or no shared view is at hand, is its view
     * read afresh, and not shared (it holds changes not yet committed).
     */
    public Optional<NetworkPlan> planFor(StoreTransaction transaction, String hostId)
    {
        // the epoch is read before the rows: what they show is then at least as new as the epoch says
        long epoch = transaction.networkEpoch();
        Optional<ClusterNetwork> shared = sharedAt(transaction, epoch);
        ClusterNetwork cluster;
        if (transaction.changesNetwork()) {
            boolean sameSlice = shared.flatMap(view -> view.host(hostId))
                    .map(Host::taskSubnet)
                    .filter(slice -> slice.equals(transaction.hosts().find(hostId).map(Host::taskSubnet).orElse(null)))
                    .isPresent();
            cluster = sameSlice ? shared.get() : ClusterNetwork.of(snapshot(transaction));
        }
        else {
            cluster = shared.orElseGet(() -> publish(epoch, ClusterNetwork.of(snapshot(transaction))));
        }
        return NetworkPlanBuilder.planFor(hostId, addressPlan, cluster, reachableServices);
    }

    /**
     * The shared view at epoch or later: the one held, or the one held brought to epoch by the endpoint changes committed
     * since (then shared in its place); empty when there is none or a change in between was not of endpoints only or not
     * this replica's.
     */
    private Optional<ClusterNetwork> sharedAt(StoreTransaction transaction, long epoch)
    {
        Shared current = shared.get();
        if (current == null) {
            return Optional.empty();
        }
        if (current.epoch() >= epoch) {
            return Optional.of(current.cluster());
        }
        return transaction.committedEndpointChanges(current.epoch(), epoch)
                .map(changes -> publish(epoch, current.cluster().withEndpointChanges(changes)));
    }

    /** Shares view as the one of epoch, unless one of a later epoch is shared already (two syncs may build at once). */
    private ClusterNetwork publish(long epoch, ClusterNetwork view)
    {
        shared.accumulateAndGet(new Shared(epoch, view), (held, offered) -> held == null || offered.epoch() > held.epoch() ? offered : held);
        return view;
    }

    /** How many times the cluster's network was read whole and built (the other syncs took a view of their epoch): for tests. */
    long builds()
    {
        return builds.get();
    }

    private NetworkSnapshot snapshot(StoreTransaction transaction)
    {
        builds.incrementAndGet();
        return new NetworkSnapshot(addressPlan, transaction.hosts().all(), transaction.tasks().placedNotStopped(),
                transaction.accounts().restrictedEgress(), reachableServices);
    }

    /** The cluster's network as built at a network epoch of the store. */
    private record Shared(long epoch, ClusterNetwork cluster) {}
}
