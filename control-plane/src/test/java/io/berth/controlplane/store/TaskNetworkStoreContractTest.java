package io.berth.controlplane.store;

import io.berth.common.agentprotocol.EgressPolicy;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.NetworkPeer;
import io.berth.common.agentprotocol.NetworkPlan;
import io.berth.common.agentprotocol.NetworkReport;
import io.berth.common.agentprotocol.TaskEndpoint;
import io.berth.controlplane.agents.Host;
import io.berth.controlplane.network.TaskAddressPlan;
import io.berth.controlplane.network.TaskNetwork;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskStatus;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Hosts' task subnets and accounts' egress policies in the store; run against SQLite and PostgreSQL by the
 * subclasses. The tests of one class share a database, so each uses its own hosts, accounts and CIDRs.
 */
abstract class TaskNetworkStoreContractTest
        extends StoreContractBase
{
    @Test
    void aSliceIsAssignedOnceAndKept()
    {
        String hostId = newHost();
        assertThat(host(hostId).taskSubnet()).isNull();

        assertThat(this.<Boolean>read(transaction -> transaction.hosts().assignTaskSubnet(hostId, "10.31.0.0/24"))).isTrue();
        assertThat(host(hostId).taskSubnet()).isEqualTo("10.31.0.0/24");
        assertThat(this.<List<String>>read(transaction -> transaction.hosts().taskSubnets())).contains("10.31.0.0/24");

        // kept for the host's life: neither a second assignment nor a heartbeat changes it
        assertThat(this.<Boolean>read(transaction -> transaction.hosts().assignTaskSubnet(hostId, "10.31.1.0/24"))).isFalse();
        store.useTransaction(transaction -> transaction.hosts().recordHeartbeat(new HostInfo(hostId, "192.0.2.2", 4096, 8192, Map.of()), T0.plusSeconds(5)));
        assertThat(host(hostId).taskSubnet()).isEqualTo("10.31.0.0/24");
        assertThat(host(hostId).info().address()).isEqualTo("192.0.2.2");
    }

    @Test
    void aSliceOfAnEarlierPlanIsReplacedOnlyWhereItIsStillHeld()
    {
        String hostId = newHost();
        store.useTransaction(transaction -> transaction.hosts().assignTaskSubnet(hostId, "10.35.0.0/24"));
        assertThat(this.<Boolean>read(transaction -> transaction.hosts().replaceTaskSubnet(hostId, "10.35.9.0/24", "10.36.0.0/24"))).isFalse();
        assertThat(this.<Boolean>read(transaction -> transaction.hosts().replaceTaskSubnet(hostId, "10.35.0.0/24", "10.36.0.0/24"))).isTrue();
        assertThat(host(hostId).taskSubnet()).isEqualTo("10.36.0.0/24");
    }

    @Test
    void aSliceBelongsToOneHostOnly()
    {
        String first = newHost();
        String second = newHost();
        store.useTransaction(transaction -> transaction.hosts().assignTaskSubnet(first, "10.32.0.0/24"));
        // the transaction runs again on the conflict and keeps losing it, so the store gives up
        assertThatThrownBy(() -> store.inTransaction(transaction -> transaction.hosts().assignTaskSubnet(second, "10.32.0.0/24")))
                .isInstanceOf(StoreException.class);
        assertThat(host(second).taskSubnet()).isNull();
    }

    @Test
    void removingAHostFreesItsSliceAndCredential()
    {
        String hostId = newHost();
        store.useTransaction(transaction -> {
            transaction.hosts().assignTaskSubnet(hostId, "10.33.0.0/24");
            transaction.hostCredentials().put(hostId, "hash", null, T0);
        });

        assertThat(this.<Boolean>read(transaction -> transaction.hosts().delete(hostId) && transaction.hostCredentials().delete(hostId))).isTrue();
        assertThat(this.<Optional<?>>read(transaction -> transaction.hosts().find(hostId))).isEmpty();
        assertThat(this.<Optional<?>>read(transaction -> transaction.hostCredentials().secretHash(hostId))).isEmpty();
        assertThat(this.<List<String>>read(transaction -> transaction.hosts().taskSubnets())).doesNotContain("10.33.0.0/24");
        assertThat(this.<Boolean>read(transaction -> transaction.hosts().delete(hostId))).isFalse();

        String next = newHost();
        assertThat(this.<Boolean>read(transaction -> transaction.hosts().assignTaskSubnet(next, "10.33.0.0/24"))).isTrue();
    }

    @Test
    void concurrentFirstSyncsGetDistinctSlices()
            throws Exception
    {
        TaskNetwork network = new TaskNetwork(TaskAddressPlan.of("10.34.0.0/16", 24));
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            hosts.add(newHost());
        }
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService executor = Executors.newFixedThreadPool(hosts.size());
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (String hostId : hosts) {
                results.add(executor.submit(() -> {
                    start.await();
                    return store.inTransaction(transaction -> network.ensureSlice(transaction, hostId));
                }));
            }
            start.countDown();
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        }
        finally {
            executor.shutdownNow();
        }
        List<String> slices = hosts.stream().map(hostId -> host(hostId).taskSubnet()).toList();
        assertThat(slices).doesNotContainNull().doesNotHaveDuplicates().allMatch(slice -> slice.startsWith("10.34."));
        // a host that has its slice keeps it
        assertThat(this.<Boolean>read(transaction -> network.ensureSlice(transaction, hosts.getFirst()))).isFalse();
    }

    @Test
    void egressPoliciesPersistPerAccount()
    {
        String denied = newAccount();
        String limited = newAccount();
        String open = newAccount();

        assertThat(this.<Boolean>read(transaction -> transaction.accounts().setEgress(denied, EgressPolicy.denyAll()))).isTrue();
        assertThat(this.<Boolean>read(transaction -> transaction.accounts().setEgress(limited, new EgressPolicy(List.of("192.0.2.0/24", "198.51.100.0/24"))))).isTrue();
        Map<String, EgressPolicy> restricted = store.inTransaction(transaction -> transaction.accounts().restrictedEgress());
        assertThat(restricted.get(denied)).isEqualTo(EgressPolicy.denyAll());
        assertThat(restricted.get(limited).allowedCidrs()).containsExactly("192.0.2.0/24", "198.51.100.0/24");
        assertThat(restricted).doesNotContainKey(open);

        // lifting the restriction
        store.useTransaction(transaction -> transaction.accounts().setEgress(denied, null));
        assertThat(this.<Map<String, EgressPolicy>>read(transaction -> transaction.accounts().restrictedEgress())).doesNotContainKey(denied);

        assertThat(this.<Boolean>read(transaction -> transaction.accounts().setEgress("999999999999", EgressPolicy.denyAll()))).isFalse();
    }

    @Test
    void theNetworkEpochMovesWithWhatThePlansAreMadeOfAndNothingElse()
    {
        String accountId = newAccount();
        String hostId = newHost();
        long start = epoch();

        // a heartbeat that changes nothing but its time, and a task placed without an address yet
        store.useTransaction(transaction -> transaction.hosts().recordHeartbeat(new HostInfo(hostId, "192.0.2.1", 4096, 8192, Map.of()), T0.plusSeconds(2)));
        Task task = task(accountId, "prod", null);
        store.useTransaction(transaction -> transaction.tasks().insert(task));
        Task placed = stored(task, task.withState(task.state().toBuilder().hostId(hostId).build()));
        assertThat(epoch()).isEqualTo(start);

        // the task's address appears: every plan lists it
        Task running = stored(placed, placed.withState(placed.state().toBuilder().lastStatus(TaskStatus.RUNNING)
                .network(new NetworkReport("10.38.0.5", "10.38.0.0/24", "10.38.0.1", "02:00:00:00:00:05")).build()));
        long addressed = epoch();
        assertThat(addressed).isGreaterThan(start);

        // a change of the task that leaves its address alone (its start time, here) does not move the epoch
        Task healthy = stored(running, running.withState(running.state().toBuilder().startedAt(T0.plusSeconds(3)).build()));
        assertThat(epoch()).isEqualTo(addressed);

        // nor does a transaction that changed the network and was rolled back
        assertThatThrownBy(() -> store.useTransaction(transaction -> {
            transaction.hosts().assignTaskSubnet(hostId, "10.38.0.0/24");
            throw new IllegalStateException("rolled back");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(epoch()).isEqualTo(addressed);

        // a slice, a new underlay address, a loss and a return, an egress policy, a stop: each moves it
        long before = epoch();
        store.useTransaction(transaction -> transaction.hosts().assignTaskSubnet(hostId, "10.38.0.0/24"));
        assertThat(epoch()).isGreaterThan(before);
        before = epoch();
        store.useTransaction(transaction -> transaction.hosts().recordHeartbeat(new HostInfo(hostId, "192.0.2.9", 4096, 8192, Map.of()), T0.plusSeconds(4)));
        assertThat(epoch()).isGreaterThan(before);
        before = epoch();
        store.useTransaction(transaction -> transaction.hosts().markLostIfSilentSince(hostId, T0.plusSeconds(60), T0.plusSeconds(60)));
        assertThat(epoch()).isGreaterThan(before);
        before = epoch();
        store.useTransaction(transaction -> transaction.hosts().recordHeartbeat(new HostInfo(hostId, "192.0.2.9", 4096, 8192, Map.of()), T0.plusSeconds(61)));
        assertThat(epoch()).isGreaterThan(before);
        before = epoch();
        store.useTransaction(transaction -> transaction.accounts().setEgress(accountId, EgressPolicy.denyAll()));
        assertThat(epoch()).isGreaterThan(before);
        before = epoch();
        stored(healthy, healthy.withState(healthy.state().toBuilder().lastStatus(TaskStatus.STOPPED).desiredStatus(TaskStatus.STOPPED).stoppedAt(T0).build()));
        assertThat(epoch()).isGreaterThan(before);
    }

    @Test
    void aReplicaSharesOnePlanViewUntilAnotherReplicaCommitsAChange()
    {
        // two replicas: each has its own TaskNetwork (its own shared view) on the one store
        TaskAddressPlan addressPlan = TaskAddressPlan.of("10.39.0.0/16", 24);
        TaskNetwork replica = new TaskNetwork(addressPlan);
        TaskNetwork other = new TaskNetwork(addressPlan);
        String accountId = newAccount();
        String first = newHost();
        String second = newHost();
        store.useTransaction(transaction -> {
            replica.ensureSlice(transaction, first);
            replica.ensureSlice(transaction, second);
        });

        NetworkPlan firstPlan = plan(replica, first);
        NetworkPlan secondPlan = plan(replica, second);
        assertThat(firstPlan.peers()).extracting(NetworkPeer::hostId).contains(second).doesNotContain(first);
        assertThat(secondPlan.peers()).extracting(NetworkPeer::hostId).contains(first).doesNotContain(second);
        // built once for both hosts: the very same endpoints list
        assertThat(secondPlan.endpoints()).isSameAs(firstPlan.endpoints());

        // the other replica records a task's address on the second host
        Task task = task(accountId, "prod", null);
        store.useTransaction(transaction -> transaction.tasks().insert(task));
        stored(task, task.withState(task.state().toBuilder().hostId(second).lastStatus(TaskStatus.RUNNING)
                .network(new NetworkReport("10.39.1.7", "10.39.1.0/24", "10.39.1.1", "02:00:00:00:01:07")).build()));
        assertThat(plan(other, first).endpoints()).contains(new TaskEndpoint("10.39.1.7", accountId));

        // this replica's next plan has it too
        NetworkPlan after = plan(replica, first);
        assertThat(after.endpoints()).contains(new TaskEndpoint("10.39.1.7", accountId));
        assertThat(after.endpoints()).isNotSameAs(firstPlan.endpoints());
    }

    @Test
    void aSyncThatChangesTheNetworkIsServedTheSharedViewUnlessItsSliceIsNew()
    {
        TaskAddressPlan addressPlan = TaskAddressPlan.of("10.40.0.0/16", 24);
        TaskNetwork network = new TaskNetwork(addressPlan);
        String accountId = newAccount();
        String hostId = newHost();
        store.useTransaction(transaction -> network.ensureSlice(transaction, hostId));
        NetworkPlan before = plan(network, hostId);

        // the host reports its task's address: its answer is the view of the latest epoch, without its own change
        Task task = task(accountId, "prod", null);
        store.useTransaction(transaction -> transaction.tasks().insert(task));
        NetworkPlan reporting = store.inTransaction(transaction -> {
            transaction.tasks().stored(task, task.withState(task.state().toBuilder().hostId(hostId).lastStatus(TaskStatus.RUNNING)
                    .network(new NetworkReport("10.40.0.9", "10.40.0.0/24", "10.40.0.1", "02:00:00:00:00:09")).build()));
            assertThat(transaction.changesNetwork()).isTrue();
            return network.planFor(transaction, hostId).orElseThrow();
        });
        assertThat(reporting.endpoints()).isSameAs(before.endpoints());
        // its next sync has it
        assertThat(plan(network, hostId).endpoints()).contains(new TaskEndpoint("10.40.0.9", accountId));

        // a host given its slice in the same transaction is planned afresh, with that slice
        String newcomer = newHost();
        NetworkPlan first = store.inTransaction(transaction -> {
            network.ensureSlice(transaction, newcomer);
            return network.planFor(transaction, newcomer).orElseThrow();
        });
        assertThat(first.hostSubnet()).isEqualTo(store.inTransaction(transaction -> transaction.hosts().find(newcomer)).orElseThrow().taskSubnet());
    }

    private NetworkPlan plan(TaskNetwork network, String hostId)
    {
        return store.inTransaction(transaction -> network.planFor(transaction, hostId)).orElseThrow();
    }

    private long epoch()
    {
        return store.inTransaction(StoreTransaction::networkEpoch);
    }

    private Task stored(Task before, Task after)
    {
        return store.inTransaction(transaction -> transaction.tasks().stored(before, after));
    }

    private String newHost()
    {
        String hostId = "host-" + UUID.randomUUID();
        store.useTransaction(transaction -> transaction.hosts().recordHeartbeat(new HostInfo(hostId, "192.0.2.1", 4096, 8192, Map.of()), T0));
        return hostId;
    }

    private <T> T read(Function<StoreTransaction, T> work)
    {
        return store.inTransaction(work);
    }

    private Host host(String hostId)
    {
        return store.inTransaction(transaction -> transaction.hosts().find(hostId)).orElseThrow();
    }
}
